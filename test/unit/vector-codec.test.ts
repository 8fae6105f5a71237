/**
 * @module The vector codec: 4-bit values two to a byte, grouped by 32 dims, then a float32 scale. Round trips
 * stay within half a step, padding is zeros, earlier layouts (int8 + scale, float32) are still read and
 * re-packed, and the row product equals the one over the unpacked values.
 */
import { expect, test } from "bun:test";
import { packedBytes, packInto, packVector, paddedDims, repacked, rowBytes, unpackScaledInto, unpackValues, unpackVector } from "../../src/store/vector-codec.ts";
import { dotPacked, dotRow } from "../../src/retrieve/vector-rank.ts";
import { rng } from "../helpers/rng.ts";

test("widths pad to whole groups of 32 dims, 16 bytes each, plus the scale", () => {
  expect([1, 32, 33, 100, 384, 512].map(packedBytes)).toEqual([20, 20, 36, 68, 196, 260]);
  expect(paddedDims(100)).toBe(128);
  expect(rowBytes(512)).toBe(256);
});

test("a packed vector comes back within half a step of every value, the largest exactly, the padding zero", () => {
  const r = rng(11);
  for (const dims of [4, 100, 384, 512]) {
    const v = Float32Array.from({ length: dims }, () => (r() - 0.5) * 3);
    const packed = packVector(v);
    expect(packed.byteLength).toBe(packedBytes(dims));
    const back = unpackVector(packed, dims)!;
    const max = Math.max(...v.map(Math.abs));
    const step = max / 7;
    for (let k = 0; k < dims; k++) expect(Math.abs(back[k]! - v[k]!)).toBeLessThanOrEqual(step / 2 + 1e-6);
    const top = v.findIndex((x) => Math.abs(x) === max);
    expect(back[top]).toBeCloseTo(v[top]!, 5);
    // Values past the width (up to the padded width) are zero.
    const values = new Int8Array(paddedDims(dims));
    unpackValues(packed, 0, paddedDims(dims), values);
    for (let k = dims; k < values.length; k++) expect(values[k]).toBe(0);
    expect(Math.max(...values.map(Math.abs))).toBe(7);
  }
});

test("dims 32g + j and 32g + 16 + j share byte 16g + j, low half then high half", () => {
  const v = new Float32Array(64);
  v[0] = 7;
  v[16] = -7;
  v[33] = 3;
  v[63] = -1;
  const packed = packVector(v); // scale 1
  expect(packed[0]).toBe(0x97); // 7 low, −7 (0x9) high
  expect(packed[17]).toBe(0x03);
  expect(packed[31]).toBe(0xf0); // −1 high
  expect(new DataView(packed.buffer).getFloat32(32, true)).toBe(1);
});

test("earlier layouts are read as what they held and packed anew; other lengths are refused", () => {
  const dims = 512;
  const r = rng(2);
  const v = Float32Array.from({ length: dims }, () => r() - 0.5);
  const float32 = new Uint8Array(v.buffer.slice(0));
  expect(Array.from(unpackVector(float32, dims)!)).toEqual(Array.from(v));
  const int8 = new Uint8Array(dims + 4);
  int8[0] = 127;
  int8[1] = 0x81; // −127
  new DataView(int8.buffer).setFloat32(dims, 0.5, true);
  const old = unpackVector(int8, dims)!;
  expect([old[0], old[1], old[2]]).toEqual([63.5, -63.5, 0]);
  expect(repacked(int8, dims)).toEqual(packVector(old));
  expect(repacked(float32, dims)).toEqual(packVector(v));
  const current = packVector(v);
  expect(repacked(current, dims)).toBe(current);
  expect(unpackVector(new Uint8Array(300), dims)).toBeNull();
  expect(repacked(new Uint8Array(300), dims)).toBeNull();
});

test("a packed vector's dot product without unpacking equals dotRow of its unpacked values, bit for bit", () => {
  const r = rng(21);
  const gaussian = () => Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
  // Multiples of 32 take the direct path; other widths unpack (padding, and dotRow's tail past a multiple of 4).
  for (const dims of [32, 64, 512, 544, 7, 40, 514]) {
    const width = packedBytes(dims);
    const rows = 40;
    const packed = new Uint8Array(rows * width + 3);
    for (let i = 0; i < rows; i++) {
      // Row 0 all at the extremes (−7 and +7 steps), row 1 zero, the others gaussian with outliers.
      const v = Float32Array.from({ length: dims }, (_, k) => (i === 0 ? (k % 2 ? 1 : -1) : i === 1 ? 0 : gaussian() * (k % 9 === 0 ? 6 : 1)));
      packInto(v, packed, 3 + i * width);
    }
    const q = Float32Array.from({ length: dims }, gaussian);
    const x = new Float32Array(dims);
    for (let i = 0; i < rows; i++) {
      unpackScaledInto(packed, 3 + i * width, dims, x, 0);
      expect(dotPacked(packed, 3 + i * width, dims, q, new Float32Array(dims))).toBe(dotRow(x, 0, dims, q));
    }
  }
});
