/**
 * @module The WebAssembly SIMD row scorer for packed 4-bit rows: its committed bytes match the .wat source,
 * its integer results equal a plain JS product over the values the codec unpacks (extreme values, chunk
 * boundaries, offsets), and it refuses widths it cannot score exactly.
 */
import { expect, test } from "bun:test";
import { instantiate, Int4Dots, quantizeQuery16 } from "../../src/embed/int8-dots.ts";
import { dotPacked, unpackValues } from "../../src/store/vector-codec.ts";
import { assembleInt8Dots, generatedModule, WASM_TS } from "../../scripts/lib/int8-dots-asm.ts";

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
}

test("the committed module is the one int8-dots.wat assembles to", async () => {
  expect(await Bun.file(WASM_TS).text()).toBe(generatedModule(await assembleInt8Dots()));
});

test("integer dot products equal JS's over the codec's values, across chunk boundaries and at the extremes of both types", () => {
  const r = rng(3);
  for (const dims of [32, 64, 512, 2048]) {
    const dots = Int4Dots.for(dims)!;
    expect(dots).not.toBeNull();
    const width = dims / 2;
    // More rows than one 4 MiB chunk holds at 2048 dims (4096 rows), so the copy loop runs more than once.
    const n = dims === 2048 ? 4200 : 300;
    // Row 0: every value −8 (0x88 bytes), the largest magnitude a half-byte holds; then random bytes.
    const packed = Uint8Array.from({ length: n * width }, (_, i) => (i < width ? 0x88 : Math.floor(r() * 256)));
    const query = Int16Array.from({ length: dims }, (_, k) => (k % 7 === 0 ? -32767 : Math.floor(r() * 65535) - 32767));
    const from = 1;
    const to = n - 1;
    const out = new Int32Array(to - from + 2).fill(-1);
    const rows = (first: number) => (into: Uint8Array, r: number, n: number) => into.set(packed.subarray((first + r) * width, (first + r + n) * width));
    dots.dots(1, rows(0), query, out, 0);
    dots.dots(to - from, rows(from), query, out, 1);
    const values = new Int8Array(dims);
    const floatQuery = Float32Array.from(query);
    for (let row = 0; row < to; row++) {
      unpackValues(packed, row * width, dims, values);
      let want = 0;
      for (let k = 0; k < dims; k++) want += values[k]! * query[k]!;
      expect(out[row]).toBe(want);
      expect(dotPacked(packed, row * width, dims, floatQuery)).toBe(Math.fround(want));
    }
    expect(out[0]).toBe(-8 * query.reduce((a, q) => a + q, 0));
    expect(out[to]).toBe(-1); // nothing written past the rows asked for
  }
});

test("widths the kernel cannot score exactly get no scorer", () => {
  for (const dims of [0, 16, 48, 100, 2080]) expect(Int4Dots.for(dims)).toBeNull();
});

test("a query rounded to int16 stays within half a step of the float one", () => {
  const r = rng(7);
  const q = Float32Array.from({ length: 384 }, () => r() - 0.5);
  const { values, scale } = quantizeQuery16(q);
  expect(Math.max(...Array.from(values, Math.abs))).toBe(32767);
  for (let k = 0; k < q.length; k++) expect(Math.abs(values[k]! * scale - q[k]!)).toBeLessThanOrEqual(scale / 2 + 1e-12);
  expect(quantizeQuery16(new Float32Array(16))).toEqual({ values: new Int16Array(16), scale: 0 });
  // Padded to a scorer's width: the query's values, then zeros.
  const padded = quantizeQuery16(q.subarray(0, 20), 32);
  expect(padded.values.length).toBe(32);
  expect(Array.from(padded.values.subarray(20))).toEqual(new Array(12).fill(0));
});

test("the float projection adds x · W into its output, column by column, as a float64 product does to float32 rounding", () => {
  const r = rng(11);
  const wasm = instantiate()!;
  for (const [rows, cols] of [[512, 512], [3, 4], [17, 36]] as const) {
    const w = Float32Array.from({ length: rows * cols }, () => r() * 2 - 1);
    const x = Float32Array.from({ length: rows }, () => r() * 4 - 2);
    const [wAt, xAt, outAt] = [64, 64 + rows * cols * 4, 64 + (rows * cols + rows) * 4];
    const need = outAt + cols * 4 + 16;
    if (need > wasm.memory.buffer.byteLength) wasm.memory.grow(Math.ceil((need - wasm.memory.buffer.byteLength) / 65536));
    new Float32Array(wasm.memory.buffer, wAt, rows * cols).set(w);
    new Float32Array(wasm.memory.buffer, xAt, rows).set(x);
    // The output is added into (the caller zeroes it); the float just past it is never written.
    const out = new Float32Array(wasm.memory.buffer, outAt, cols + 1).fill(0.5);
    wasm.project(wAt, rows, cols, xAt, outAt);
    for (let j = 0; j < cols; j++) {
      let sum = 0.5;
      for (let k = 0; k < rows; k++) sum += x[k]! * w[k * cols + j]!;
      expect(Math.abs(out[j]! - sum)).toBeLessThan(1e-4 * Math.max(1, Math.abs(sum)));
    }
    expect(out[cols]).toBe(0.5);
  }
});
