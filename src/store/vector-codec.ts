/**
 * @module How a vector is laid out in bytes, in the database and in the index file: `dims` int8 values then
 * the row's float32 LE scale (dims + 4 bytes: 516 for USE-lite, where float32 took 2,048 and a whole page).
 * Symmetric per-vector scale (max |x| / 127): on LoCoMo R@10 it ranks as float32 did (see DESIGN.md).
 * In an encrypted store the database blob is sealed by the store's codec (vectors.ts) and no index file is
 * written (it would hold the vectors in the clear).
 */

export const INT8_LEVELS = 127;

/** Bytes of one packed vector of `dims` dimensions. */
export function packedBytes(dims: number): number {
  return dims + 4;
}

/** The vector's scale: what dequantising multiplies by (float32, so the file and the database agree). */
function scaleOf(v: Float32Array): number {
  let max = 0;
  for (let k = 0; k < v.length; k++) {
    const a = Math.abs(v[k]!);
    if (a > max) max = a;
  }
  return Number.isFinite(max) ? Math.fround(max / INT8_LEVELS) : 0;
}

/** Quantises `v` into `out` at `offset` (dims int8 then the float32 scale); returns the scale. */
export function packInto(v: Float32Array, out: Uint8Array, offset: number): number {
  const scale = scaleOf(v);
  const inverse = scale > 0 ? 1 / scale : 0;
  const dims = v.length;
  const values = new Int8Array(out.buffer, out.byteOffset + offset, dims);
  for (let k = 0; k < dims; k++) {
    const q = Math.round(v[k]! * inverse);
    values[k] = q === q ? Math.max(-INT8_LEVELS, Math.min(INT8_LEVELS, q)) : 0;
  }
  new DataView(out.buffer, out.byteOffset + offset + dims, 4).setFloat32(0, scale, true);
  return scale;
}

export function packVector(v: Float32Array): Uint8Array {
  const out = new Uint8Array(packedBytes(v.length));
  packInto(v, out, 0);
  return out;
}

/**
 * The float vector a packed blob stands for. A blob of 4 · dims bytes is a float32 vector written before
 * version 9 (a migration converts them; reading one is harmless). Null for any other length.
 */
export function unpackVector(bytes: Uint8Array, dims: number): Float32Array | null {
  if (bytes.byteLength === dims * 4 && dims * 4 !== packedBytes(dims)) {
    return new Float32Array(bytes.slice().buffer);
  }
  if (bytes.byteLength !== packedBytes(dims)) return null;
  const scale = new DataView(bytes.buffer, bytes.byteOffset + dims, 4).getFloat32(0, true);
  const values = new Int8Array(bytes.buffer, bytes.byteOffset, dims);
  const out = new Float32Array(dims);
  for (let k = 0; k < dims; k++) out[k] = values[k]! * scale;
  return out;
}
