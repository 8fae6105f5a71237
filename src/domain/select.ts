/** @module Selection: the k-th smallest value without sorting everything (Hoare's quickselect). */

/**
 * The indices of `values` whose value is at most the k-th smallest (ties with it included), in index order: all
 * of them when there are no more than k + 1. Sorting only these gives the head of a full sort.
 */
export function upToKth(values: ArrayLike<number>, k: number): number[] {
  const cut = values.length > k + 1 ? kthSmallest(Float64Array.from(values), k) : Infinity;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]! <= cut) out.push(i);
  return out;
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
