/**
 * @module The WebAssembly SIMD module of the query encoder: its committed bytes match the .wat source, its int8
 * row products equal JS's integer products at the extremes, and its float projection equals a float64 product
 * to float32 rounding.
 */
import { expect, test } from "bun:test";
import { instantiate } from "../../src/embed/int8-dots.ts";
import { assembleInt8Dots, generatedModule, WASM_TS } from "../../scripts/lib/int8-dots-asm.ts";
import { rng } from "../helpers/rng.ts";

test("the committed module is the one int8-dots.wat assembles to", async () => {
  expect(await Bun.file(WASM_TS).text()).toBe(generatedModule(await assembleInt8Dots()));
});

test("int8 dot products equal JS's integer products, at the extremes of both types, writing nothing past the rows", () => {
  const r = rng(3);
  const wasm = instantiate()!;
  for (const dims of [16, 64, 512, 2048]) {
    const n = 40;
    // Row 0: every value −128, the largest magnitude an int8 holds; then random values.
    const rows = Int8Array.from({ length: n * dims }, (_, i) => (i < dims ? -128 : Math.floor(r() * 256) - 128));
    const query = Int16Array.from({ length: dims }, (_, k) => (k % 7 === 0 ? -32767 : Math.floor(r() * 65535) - 32767));
    const [queryAt, outAt, rowsAt] = [0, dims * 2, dims * 2 + (n + 1) * 4];
    const need = rowsAt + n * dims;
    if (need > wasm.memory.buffer.byteLength) wasm.memory.grow(Math.ceil((need - wasm.memory.buffer.byteLength) / 65536));
    new Int16Array(wasm.memory.buffer, queryAt, dims).set(query);
    new Int8Array(wasm.memory.buffer, rowsAt, n * dims).set(rows);
    const out = new Int32Array(wasm.memory.buffer, outAt, n + 1).fill(-1);
    wasm.dots(rowsAt, n, dims, queryAt, outAt);
    for (let row = 0; row < n; row++) {
      let want = 0;
      for (let k = 0; k < dims; k++) want += rows[row * dims + k]! * query[k]!;
      expect(out[row]).toBe(want);
    }
    expect(out[0]).toBe(-128 * query.reduce((a, q) => a + q, 0));
    expect(out[n]).toBe(-1);
  }
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
