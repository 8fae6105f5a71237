/**
 * @module How a vector is laid out in bytes in the database: 4-bit values, two to a byte, then the row's float32
 * LE scale (260 bytes for USE-lite, where int8 took 516 and float32 2,048). Symmetric per-vector scale
 * (max |x| / 7, values −7…7): on LoCoMo hybrid R@10 it ranks as int8 did (see DESIGN.md). Dims are grouped by
 * 32 (a layout chosen for a SIMD scorer the index file no longer needs: it holds signs, vector-signs.ts): byte
 * 16g + j holds dim 32g + j in its low half and dim 32g + 16 + j in its high half; a width that is not a
 * multiple of 32 is padded with zeros. Blobs of earlier versions (int8 + scale, float32) are still read.
 * In an encrypted store the blob is sealed by the store's codec (vectors.ts).
 */

/** Largest magnitude of a stored value (4-bit two's complement, −8 unused: symmetric). */
export const NIBBLE_LEVELS = 7;
/** Dims one 16-byte group holds. */
const GROUP = 32;

/** The width rounded up to whole groups: what the row scorer walks (the padding is zeros). */
export function paddedDims(dims: number): number {
  return Math.ceil(dims / GROUP) * GROUP;
}

/** Bytes of one row's values (without the scale). */
export function rowBytes(dims: number): number {
  return paddedDims(dims) / 2;
}

/** Bytes of one packed vector of `dims` dimensions: the values, then the float32 scale. */
export function packedBytes(dims: number): number {
  return rowBytes(dims) + 4;
}

/** Bytes of a vector of `dims` packed by cairn before 4-bit values (int8 values, then the scale). */
const int8Bytes = (dims: number) => dims + 4;

/** Where dim k sits: its byte within the row, and the shift of its half (0 low, 4 high). */
function byteOf(k: number): number {
  return (k >> 5) * 16 + (k & 15);
}
const shiftOf = (k: number) => (k & 16) >> 2;
/** The signed value of dim k in the packed row at `offset`. */
const valueAt = (row: Uint8Array, offset: number, k: number) => (((row[offset + byteOf(k)]! >> shiftOf(k)) & 15) ^ 8) - 8;

/** The vector's scale: what dequantising multiplies by (float32, so the file and the database agree). */
function scaleOf(v: Float32Array): number {
  let max = 0;
  for (let k = 0; k < v.length; k++) {
    const a = Math.abs(v[k]!);
    if (a > max) max = a;
  }
  return Number.isFinite(max) ? Math.fround(max / NIBBLE_LEVELS) : 0;
}

/** Quantises `v` into `out` at `offset` (the 4-bit values, then the float32 scale); returns the scale. */
export function packInto(v: Float32Array, out: Uint8Array, offset: number): number {
  const scale = scaleOf(v);
  const inverse = scale > 0 ? 1 / scale : 0;
  const dims = v.length;
  const bytes = rowBytes(dims);
  out.fill(0, offset, offset + bytes);
  for (let k = 0; k < dims; k++) {
    const q = Math.round(v[k]! * inverse);
    const n = q === q ? Math.max(-NIBBLE_LEVELS, Math.min(NIBBLE_LEVELS, q)) & 15 : 0;
    out[offset + byteOf(k)]! |= n << shiftOf(k);
  }
  new DataView(out.buffer, out.byteOffset + offset + bytes, 4).setFloat32(0, scale, true);
  return scale;
}

export function packVector(v: Float32Array): Uint8Array {
  const out = new Uint8Array(packedBytes(v.length));
  packInto(v, out, 0);
  return out;
}

/** The signed values of one packed row (`rowBytes(dims)` bytes at `offset`) into `out` (dims long) at `at`. */
export function unpackValues(row: Uint8Array, offset: number, dims: number, out: Int8Array, at = 0): void {
  for (let k = 0; k < dims; k++) out[at + k] = valueAt(row, offset, k);
}

const scaleBytes = new Uint8Array(4);
const scaleFloat = new Float32Array(scaleBytes.buffer);

/** The scale of one packed vector (`packedBytes(dims)` bytes at `offset`), read without allocating. */
export function packedScale(packed: Uint8Array, offset: number, dims: number): number {
  const at = offset + rowBytes(dims);
  scaleBytes.set(packed.subarray(at, at + 4));
  return scaleFloat[0]!;
}

/** One packed vector (`packedBytes(dims)` bytes at `offset`: values then scale) dequantised into `out` at `at`. */
export function unpackScaledInto(packed: Uint8Array, offset: number, dims: number, out: Float32Array, at: number): void {
  const scale = packedScale(packed, offset, dims);
  for (let k = 0; k < dims; k++) out[at + k] = valueAt(packed, offset, k) * scale;
}

/**
 * The float vector a packed blob stands for. Blobs of 4 · dims bytes (float32, before version 9) and of
 * dims + 4 bytes (int8 + scale, before version 17) were written by earlier versions and are read as such.
 * Null for any other length.
 */
export function unpackVector(bytes: Uint8Array, dims: number): Float32Array | null {
  const out = new Float32Array(dims);
  if (bytes.byteLength === packedBytes(dims)) {
    unpackScaledInto(bytes, 0, dims, out, 0);
    return out;
  }
  if (bytes.byteLength === int8Bytes(dims)) {
    const scale = new DataView(bytes.buffer, bytes.byteOffset + dims, 4).getFloat32(0, true);
    const values = new Int8Array(bytes.buffer, bytes.byteOffset, dims);
    for (let k = 0; k < dims; k++) out[k] = values[k]! * scale;
    return out;
  }
  if (bytes.byteLength === dims * 4) return new Float32Array(bytes.slice().buffer);
  return null;
}

/** `bytes` in today's layout: as they are when already packed so, re-quantised from an earlier layout, else null. */
export function repacked(bytes: Uint8Array, dims: number): Uint8Array | null {
  if (bytes.byteLength === packedBytes(dims)) return bytes;
  const v = unpackVector(bytes, dims);
  return v ? packVector(v) : null;
}
