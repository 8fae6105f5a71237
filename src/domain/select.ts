/** @module Selection: the k-th smallest value without sorting everything (Hoare's quickselect). */

/**
 * The indices of `values` whose value is at most the k-th smallest (ties with it included), in index order: all
 * of them when there are no more than k + 1. Sorting only these gives the head of a full sort.
 */
export function upToKth(values: ArrayLike<number>, k: number): number[] {
  const cut = values.length > k + 1 ? kthSmallest(copied(values, 1), k) : Infinity;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]! <= cut) out.push(i);
  return out;
}

/** The indices of `values` whose value is at least the k-th largest (ties included), in index order: {@link upToKth} turned around. */
export function downToKth(values: ArrayLike<number>, k: number): number[] {
  const cut = values.length > k + 1 ? -kthSmallest(copied(values, -1), k) : Number.NEGATIVE_INFINITY;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]! >= cut) out.push(i);
  return out;
}

/** The one scratch array the selections reorder, grown as needed (valid until the next selection). */
let scratch = new Float64Array(1024);

/**
 * `values` times `sign` in the scratch array, by a plain loop: `Float64Array.from` over a Float32Array (with or
 * without a mapping function) went through the iterator protocol, ~1 ms of a 100k-memory MCP recall, and a
 * fresh array per selection (1.6 MB for 200k rows at 1M memories) left ~70 MB of garbage in a server's heap
 * after 200 recalls.
 */
function copied(values: ArrayLike<number>, sign: 1 | -1): Float64Array {
  const n = values.length;
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  const a = scratch.subarray(0, n);
  for (let i = 0; i < n; i++) a[i] = sign * values[i]!;
  return a;
}

/** The value that would sit at index `k` of `a` sorted ascending; reorders `a`. O(n) expected. */
export function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
