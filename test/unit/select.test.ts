/** @module Selection (domain/select.ts): the k-th value and the indices up to it agree with a full sort, ties and all. */
import { describe, expect, test } from "bun:test";
import { downToKth, kthSmallest, upToKth } from "../../src/domain/select.ts";

let x = 7;
const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
/** Values with many ties (about three per distinct value), as float32 so the copies must not change them. */
const tied = (n: number) => Float32Array.from({ length: n }, () => Math.floor(rand() * (n / 3 + 1)) / 7);

describe("selection", () => {
  test("kthSmallest selects what sorting would put at k, ties and all", () => {
    for (const n of [1, 2, 5, 100, 1000]) {
      const values = Float64Array.from(tied(n), (v) => -v);
      const sorted = values.slice().sort();
      for (const k of [0, Math.floor(n / 2), n - 1]) expect(kthSmallest(values.slice(), k)).toBe(sorted[k]!);
    }
  });

  test("upToKth and downToKth keep exactly the indices a sort puts at or before k, plus ties with it", () => {
    for (const n of [1, 2, 5, 100, 1000]) {
      const values = tied(n);
      const before = Array.from(values);
      const ascending = Array.from(values).sort((a, b) => a - b);
      for (const k of [0, 3, Math.floor(n / 2), n - 1, n + 5]) {
        const low = ascending[Math.min(k, n - 1)]!;
        const high = ascending[Math.max(n - 1 - k, 0)]!;
        expect(upToKth(values, k)).toEqual(before.flatMap((v, i) => (v <= low ? [i] : [])));
        expect(downToKth(values, k)).toEqual(before.flatMap((v, i) => (v >= high ? [i] : [])));
      }
      expect(Array.from(values)).toEqual(before); // the input is not reordered
    }
  });
});
