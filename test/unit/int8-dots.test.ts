/**
 * @module The WebAssembly SIMD int8 scorer: its committed bytes match the .wat source, its integer results
 * equal a plain JS product (extreme values, chunk boundaries, offsets), and it refuses widths it cannot
 * score exactly.
 */
import { expect, test } from "bun:test";
import { Int8Dots, quantizeQuery16 } from "../../src/embed/int8-dots.ts";
import { assembleInt8Dots, generatedModule, WASM_TS } from "../../scripts/lib/int8-dots-asm.ts";

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
}

test("the committed module is the one int8-dots.wat assembles to", async () => {
  expect(await Bun.file(WASM_TS).text()).toBe(generatedModule(await assembleInt8Dots()));
});

test("integer dot products equal JS's, across chunk boundaries and at the extremes of both types", () => {
  const r = rng(3);
  for (const dims of [16, 64, 512, 2048]) {
    const dots = Int8Dots.for(dims)!;
    expect(dots).not.toBeNull();
    // More rows than one 4 MiB chunk holds at 2048 dims (2048 rows), so the copy loop runs more than once.
    const n = dims === 2048 ? 2100 : 300;
    const values = Int8Array.from({ length: n * dims }, (_, i) => (i < dims ? -128 : Math.floor(r() * 256) - 128));
    const query = Int16Array.from({ length: dims }, (_, k) => (k % 7 === 0 ? -32767 : Math.floor(r() * 65535) - 32767));
    const from = 1;
    const to = n - 1;
    const out = new Int32Array(to - from + 2).fill(-1);
    const rows = (first: number) => (into: Int8Array, r: number, n: number) => into.set(values.subarray((first + r) * dims, (first + r + n) * dims));
    dots.dots(1, rows(0), query, out, 0); // the all −128 row: the largest magnitudes
    dots.dots(to - from, rows(from), query, out, 1);
    for (let row = 0; row < to; row++) {
      let want = 0;
      for (let k = 0; k < dims; k++) want += values[row * dims + k]! * query[k]!;
      expect(out[row]).toBe(want);
    }
    expect(out[to]).toBe(-1); // nothing written past the rows asked for
  }
});

test("widths the kernel cannot score exactly get no scorer", () => {
  for (const dims of [0, 8, 24, 100, 2064]) expect(Int8Dots.for(dims)).toBeNull();
});

test("a query rounded to int16 stays within half a step of the float one", () => {
  const r = rng(7);
  const q = Float32Array.from({ length: 384 }, () => r() - 0.5);
  const { values, scale } = quantizeQuery16(q);
  expect(Math.max(...Array.from(values, Math.abs))).toBe(32767);
  for (let k = 0; k < q.length; k++) expect(Math.abs(values[k]! * scale - q[k]!)).toBeLessThanOrEqual(scale / 2 + 1e-12);
  expect(quantizeQuery16(new Float32Array(16))).toEqual({ values: new Int16Array(16), scale: 0 });
});
