/** @module Vector helpers for the USE-lite parity check (test and bench): Euclidean norm and cosine. */

export function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** Cosine similarity; two zero vectors count as identical. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  const d = norm(a) * norm(b);
  return d === 0 ? (norm(a) === norm(b) ? 1 : 0) : dot / d;
}
