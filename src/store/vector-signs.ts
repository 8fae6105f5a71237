/**
 * @module The index file's rows: a vector's signs around its list's centroid, one bit per dimension (bit k of
 * byte p stands for dim 8p + k, set when x_k − c_k ≥ 0), and per row one factor. A row is 64 bytes for USE-lite
 * where the packed 4-bit vector (vector-codec.ts) is 260: the file holds signs to pick candidates, and the
 * database's vectors score them exactly (retrieve/file-index.ts), so each vector is stored in full only once.
 * With r = x − c and s its signs, q·x = q·c + q·r, and q·r is estimated as f · Σ_k q_k s_k with
 * f = ‖r‖² / Σ_k |r_k| (the estimate is exact when q lies along s; it is RaBitQ's without the random rotation).
 * Σ_k q_k s_k comes from a table per query (for each byte position, the partial sum of each of its 256
 * values): one lookup per 8 dims. Signs of the residual, not of x itself: a store whose values are mostly of
 * one sign (counts, a model with a bias) would otherwise get the same signs for every row.
 */
import { unpackScaledInto } from "./vector-codec.ts";

/** Bytes of one row's signs. */
export function signBytes(dims: number): number {
  return Math.ceil(dims / 8);
}

const vector = new Float32Array(4096);

/**
 * Writes the signs of one packed vector (`packed` at `offset`, vector-codec.ts layout) around the centroid in
 * `centroids` at `cAt` into `out` at `at`, and returns the row's factor ‖r‖² / Σ|r_k| (0 when r is 0).
 */
export function writeSigns(packed: Uint8Array, offset: number, dims: number, centroids: Float32Array, cAt: number, out: Uint8Array, at: number): number {
  const x = dims <= vector.length ? vector : new Float32Array(dims);
  unpackScaledInto(packed, offset, dims, x, 0);
  out.fill(0, at, at + signBytes(dims));
  let squares = 0;
  let sum = 0;
  for (let k = 0; k < dims; k++) {
    const r = x[k]! - centroids[cAt + k]!;
    if (r >= 0) out[at + (k >> 3)]! |= 1 << (k & 7);
    squares += r * r;
    sum += Math.abs(r);
  }
  return sum > 0 ? Math.fround(squares / sum) : 0;
}

/** The query's table: entry 256·p + b is Σ over the bits k of byte value b of ±q[8p + k] (+ when set). */
export function signTable(query: Float32Array): Float32Array {
  const width = signBytes(query.length);
  const table = new Float32Array(width * 256);
  const q = (k: number) => (k < query.length ? query[k]! : 0);
  for (let p = 0; p < width; p++) {
    const o = p << 8;
    let none = 0;
    for (let k = 0; k < 8; k++) none -= q(8 * p + k);
    table[o] = none;
    // Each value from the one without its lowest set bit: that bit's dim turns from − to +.
    for (let b = 1; b < 256; b++) {
      const low = b & -b;
      table[o + b] = table[o + (b ^ low)]! + 2 * q(8 * p + 31 - Math.clz32(low));
    }
  }
  return table;
}

/**
 * Σ_k q_k · s_k (s_k = ±1) for `n` rows of `width` bytes in `rows` from `offset`, into `out` from `at`: a row's
 * score before its factor. With `accept`, a row whose project code (`codes[i]`: project-codes.ts) it does not
 * keep (0) is not scored: a search in one project of eight sums an eighth of the rows.
 */
export function signDots(table: Float32Array, rows: Uint8Array, offset: number, n: number, width: number, out: Float64Array, at: number, codes?: ArrayLike<number>, accept?: Uint8Array): void {
  const whole = width - (width % 4);
  for (let i = 0; i < n; i++) {
    if (accept !== undefined && accept[codes![i]!] === 0) continue;
    const base = offset + i * width;
    // Four independent sums let the JIT pipeline the lookups.
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    let p = 0;
    for (; p < whole; p += 4) {
      a += table[(p << 8) | rows[base + p]!]!;
      b += table[((p + 1) << 8) | rows[base + p + 1]!]!;
      c += table[((p + 2) << 8) | rows[base + p + 2]!]!;
      d += table[((p + 3) << 8) | rows[base + p + 3]!]!;
    }
    for (; p < width; p++) a += table[(p << 8) | rows[base + p]!]!;
    out[at + i] = a + b + c + d;
  }
}
