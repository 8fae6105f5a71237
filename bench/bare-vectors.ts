/**
 * @module Synthetic stores for the vector-index benches (vector-index-bare.ts, ivf-tune.ts): memories with no
 * text worth searching ("bare memory <i>") and unit vectors that mix two real document vectors plus noise, so
 * the space has the clusters real embeddings have (pure noise without documents).
 */
import type { Database } from "bun:sqlite";
import type { Rng } from "./rng.ts";

/** A vector generator: a random blend of two of `docs` plus Gaussian noise, normalised; noise alone without docs. */
export function blendedVectors(rng: Rng, dims: number, docs: readonly Float32Array[]): () => Float32Array {
  const g = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return () => {
    const v = new Float32Array(dims);
    if (docs.length > 0) {
      const a = docs[Math.floor(rng.next() * docs.length)]!;
      const b = docs[Math.floor(rng.next() * docs.length)]!;
      const w = rng.next();
      for (let k = 0; k < dims; k++) v[k] = w * a[k]! + (1 - w) * b[k]! + 0.05 * g();
    } else for (let k = 0; k < dims; k++) v[k] = g();
    const s = Math.hypot(...v);
    return v.map((x) => x / s);
  };
}

/** Inserts bare memories `from` … `from + count - 1` (ids m<i>, content hash h<i>) in one transaction. */
export function insertBareMemories(raw: Database, from: number, count: number): void {
  raw.transaction(() => {
    const ins = raw.query("INSERT INTO memories (id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES (?, ?, 'note', 1, 1, 3, ?, ?)");
    for (let i = from; i < from + count; i++) ins.run(`m${i}`, `bare memory ${i}`, `h${i}`, `c${i}`);
  })();
}
