/**
 * @module The port for approximate top-k over int8 vectors (implemented with onnxruntime's SIMD kernels in
 * src/embed/vector-topk.ts). It only proposes candidates: callers re-score them exactly and use the error
 * bound of the quantisation to tell which results are certain (src/retrieve/vector-rank.ts).
 */

/**
 * Query values are shifted into 1..127 (7 bits, not 8): x86 AVX2 int8 kernels add pairs of u8×s8 products
 * in 16 bits, which saturates past 32767; 2 × 127 × 127 stays below it. The kernel takes no zero point
 * (with one, a call took 0.5–1.8 ms instead of 0.25 at 10k); instead each row's bias subtracts
 * SHIFT × (sum of its values) × scale.
 */
export const QUERY_SHIFT = 64;
export const QUERY_LEVELS = 63;
/** Stored vectors use the full symmetric int8 range. */
export const ROW_LEVELS = 127;
/** Added to unused columns so they never outrank a real row. */
export const PAD_BIAS = -3e38;

export interface TopKInput {
  /** The quantised query: `dims` values, shifted up by {@link QUERY_SHIFT}. */
  query: Uint8Array;
  /** Column-major int8 matrix [dims × capacity]: column r is row r's quantised vector. */
  columns: Int8Array;
  /** Per column: the row's dequantisation scale (0 for unused columns). */
  scales: Float32Array;
  /** Per column: the row's shift correction, or {@link PAD_BIAS} for an unused column. */
  bias: Float32Array;
  dims: number;
  capacity: number;
  /** How many columns to return; at most `capacity`. */
  k: number;
}

export interface TopKResult {
  /** Columns with the k largest (integer dot product × scale + bias), best first. */
  rows: Int32Array;
  /** Those values, not yet multiplied by the query's scale. */
  values: Float32Array;
}

export interface TopKKernel {
  top(input: TopKInput): Promise<TopKResult>;
  dispose(): Promise<void>;
}
