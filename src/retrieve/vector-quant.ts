/**
 * @module An int8 copy of the vector matrix, column-major (one column per row), in the layout the top-k
 * kernel reads fastest: a 1 × dims query times a dims × capacity matrix is the GEMV case onnxruntime
 * runs without packing (a row-major N × dims matrix times a vector took 2.7 ms at 10k instead of 0.25).
 * Each row has its own scale, so small-valued vectors keep their precision. It also tracks what the
 * error bound needs: the largest row scale and the largest L1 norm of a dequantised row.
 */
import { PAD_BIAS, QUERY_LEVELS, QUERY_SHIFT, ROW_LEVELS, type TopKInput } from "../embed/vector-kernel.ts";

export interface QuantQuery {
  values: Uint8Array;
  /** Multiplies the kernel's values into cosine units. */
  scale: number;
  /** Worst-case |exact − approximate| score of any row, for this query. */
  errorBound: number;
}

/** Rows quantised together when building: the transposed writes then fill whole cache lines. */
const BLOCK = 64;
/**
 * Adding and subtracting 1.5 × 2^52 rounds a double to the nearest integer (ties to even) for |y| < 2^51:
 * 10 ms for 10k × 512 values where Math.round took 65 ms in Bun. NaN stays NaN and stores as 0.
 */
const ROUND = 6755399441055744;

export class Int8Columns {
  readonly dims: number;
  #capacity = 0;
  #columns = new Int8Array(0);
  #scales = new Float32Array(0);
  #bias = new Float32Array(0);
  /** Upper bounds (never lowered on replacement; a loose bound only costs a few more candidates). */
  #maxScale = 0;
  #maxL1 = 0;

  constructor(dims: number) {
    this.dims = dims;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Quantises rows [0, n) of a row-major float matrix, replacing whatever was there. */
  build(matrix: Float32Array, n: number): void {
    this.clear();
    // Room for an eighth more before the first re-layout; the kernel's time grows with capacity.
    this.#grow(Math.ceil((n * 1.125 + 64) / 64) * 64);
    for (let r = 0; r < n; r += BLOCK) this.#quantize(matrix, r, Math.min(n, r + BLOCK));
  }

  /** Stores row `row`'s vector, growing the matrix when needed. */
  set(row: number, vector: Float32Array): void {
    if (row >= this.#capacity) this.#grow(Math.ceil((Math.max(row + 1, this.#capacity * 1.25) + 64) / 64) * 64);
    this.#quantizeRow(vector, 0, row);
  }

  /**
   * Copies column `from` into column `to` and frees `from`: the index deletes a row by moving its last row
   * into the hole, so a delete costs one column instead of re-quantising everything (~40–160 ms at 10k).
   */
  move(from: number, to: number): void {
    const cap = this.#capacity;
    const cols = this.#columns;
    if (from !== to) {
      for (let k = 0; k < this.dims; k++) cols[k * cap + to] = cols[k * cap + from]!;
      this.#scales[to] = this.#scales[from]!;
      this.#bias[to] = this.#bias[from]!;
    }
    for (let k = 0; k < this.dims; k++) cols[k * cap + from] = 0;
    this.#scales[from] = 0;
    // A freed column must never be proposed: it ranks below every real row, like capacity not yet used.
    this.#bias[from] = PAD_BIAS;
  }

  clear(): void {
    this.#capacity = 0;
    this.#columns = new Int8Array(0);
    this.#scales = new Float32Array(0);
    this.#bias = new Float32Array(0);
    this.#maxScale = 0;
    this.#maxL1 = 0;
  }

  /**
   * The query in 7 bits plus the bound on the scoring error: each stored value is within scale/2 of the
   * truth and each query value within qscale/2, so |q·x − q̂·x̂| ≤ maxScale/2 · ‖q‖₁ + qscale/2 · max‖x̂‖₁;
   * the last term covers float32 rounding in the kernel's multiply-add (values up to 191 · ‖x̂‖₁).
   */
  quantizeQuery(query: Float32Array): QuantQuery {
    const { dims } = this;
    let max = 0;
    let l1 = 0;
    for (let k = 0; k < dims; k++) {
      const a = Math.abs(query[k]!);
      l1 += a;
      if (a > max) max = a;
    }
    const scale = max / QUERY_LEVELS;
    const values = new Uint8Array(dims);
    for (let k = 0; k < dims; k++) {
      const q = scale > 0 ? Math.max(-QUERY_LEVELS, Math.min(QUERY_LEVELS, Math.round(query[k]! / scale))) : 0;
      values[k] = QUERY_SHIFT + q;
    }
    const rounding = 2 ** -20 * 192 * this.#maxL1 * scale;
    return { values, scale, errorBound: (this.#maxScale / 2) * l1 + (scale / 2) * this.#maxL1 + rounding };
  }

  /** What the kernel reads for `query`, asking for its `k` best columns. */
  input(query: QuantQuery, k: number): TopKInput {
    return { query: query.values, columns: this.#columns, scales: this.#scales, bias: this.#bias, dims: this.dims, capacity: this.#capacity, k };
  }

  /** The columns' bias with every row whose `keep` entry is 0 unused (PAD_BIAS), for a search in a scope. */
  biasKeeping(keep: Uint8Array): Float32Array {
    const bias = this.#bias.slice();
    for (let r = 0; r < keep.length; r++) if (keep[r] === 0) bias[r] = PAD_BIAS;
    return bias;
  }

  /** Rows [from, to) of a row-major matrix, walking dimensions in the outer loop (one write run per dim). */
  #quantize(matrix: Float32Array, from: number, to: number): void {
    const { dims } = this;
    const cap = this.#capacity;
    const cols = this.#columns;
    const scales = new Float64Array(to - from);
    const l1 = new Float64Array(to - from);
    const sum = new Float64Array(to - from);
    const inverse = new Float64Array(to - from);
    for (let r = from; r < to; r++) {
      scales[r - from] = this.#scaleOf(matrix, r * dims);
      inverse[r - from] = scales[r - from]! > 0 ? 1 / scales[r - from]! : 0;
    }
    for (let k = 0; k < dims; k++) {
      const base = k * cap;
      for (let r = from; r < to; r++) {
        // |value| / scale ≤ 127 (1 + 2⁻²⁴) by the choice of scale, so no clamping is needed.
        const y = matrix[r * dims + k]! * inverse[r - from]! + ROUND - ROUND;
        const v = y === y ? y : 0; // NaN (from NaN or infinite input) stores as 0; the exact re-score sees it
        cols[base + r] = v;
        l1[r - from]! += Math.abs(v);
        sum[r - from]! += v;
      }
    }
    for (let r = from; r < to; r++) this.#finishRow(r, scales[r - from]!, l1[r - from]!, sum[r - from]!);
  }

  /** The row's float32 scale: what the kernel multiplies by, so rounding is measured against it. */
  #scaleOf(source: Float32Array, offset: number): number {
    let max = 0;
    for (let k = 0; k < this.dims; k++) {
      const a = Math.abs(source[offset + k]!);
      if (a > max) max = a;
    }
    return Math.fround(max / ROW_LEVELS);
  }

  #finishRow(row: number, scale: number, l1: number, sum: number): void {
    this.#scales[row] = scale;
    // The kernel multiplies by query + SHIFT; this takes the SHIFT × Σv part back out.
    this.#bias[row] = -QUERY_SHIFT * sum * scale;
    if (scale > this.#maxScale) this.#maxScale = scale;
    if (l1 * scale > this.#maxL1) this.#maxL1 = l1 * scale;
  }

  /** Quantises the `dims` floats at `offset` of `source` into column `row`. */
  #quantizeRow(source: Float32Array, offset: number, row: number): void {
    const { dims } = this;
    const cap = this.#capacity;
    const scale = this.#scaleOf(source, offset);
    const cols = this.#columns;
    const inverse = scale > 0 ? 1 / scale : 0;
    let l1 = 0;
    let sum = 0;
    for (let k = 0; k < dims; k++) {
      const y = source[offset + k]! * inverse + ROUND - ROUND;
      const v = y === y ? y : 0;
      cols[k * cap + row] = v;
      l1 += Math.abs(v);
      sum += v;
    }
    this.#finishRow(row, scale, l1, sum);
  }

  #grow(capacity: number): void {
    const { dims } = this;
    const old = this.#columns;
    const oldCap = this.#capacity;
    const cols = new Int8Array(dims * capacity);
    for (let k = 0; k < dims; k++) cols.set(old.subarray(k * oldCap, (k + 1) * oldCap), k * capacity);
    const scales = new Float32Array(capacity);
    scales.set(this.#scales);
    const bias = new Float32Array(capacity).fill(PAD_BIAS);
    bias.set(this.#bias);
    this.#columns = cols;
    this.#scales = scales;
    this.#bias = bias;
    this.#capacity = capacity;
  }
}
