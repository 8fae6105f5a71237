/**
 * @module Integer dot products of packed 4-bit rows (store/vector-codec.ts) with an int16 query, on
 * WebAssembly SIMD (int8-dots.wat `dots4`; its int8 `dots` serves the query encoder): ~10× the JS loop.
 * Rows are copied (or read from a file) into the module's memory a chunk at a time (~0.1 ms per MB), so rows
 * from anywhere can be scored, or kept there for good and scored in place (a long-lived process's small index
 * file: file-index.ts keepRows). The results
 * are exact integers; what they approximate is the float query's product, and callers bound that error
 * (file-index.ts re-scores the rows near the top exactly). Unavailable (null) when the runtime lacks
 * WebAssembly SIMD or the width does not suit the kernel: callers then score in JS.
 */
import { INT8_DOTS_WASM } from "./int8-dots-wasm.ts";

/** Largest int16 query value: the query's largest magnitude maps to it. */
const QUERY_MAX = 32767;
/** Rows copied per call: bounded memory whatever the list size. */
const CHUNK_BYTES = 1 << 22;
const PAGE = 65536;

export interface Exports {
  memory: WebAssembly.Memory;
  dots(rows: number, n: number, dims: number, query: number, out: number): void;
  dots4(rows: number, n: number, dims: number, query: number, out: number): void;
  project(w: number, rows: number, cols: number, x: number, out: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * A fresh instance (its own memory), or null when this runtime cannot compile SIMD code. Its exports,
 * dots(rows, n, dims, query, out) and dots4(…), take byte offsets in that memory: n rows of `dims` int8
 * values (dims a multiple of 16, at most 2048) or of `dims` 4-bit values (dims / 2 bytes, dims a multiple
 * of 32) at `rows`, the int16 query at `query`, n int32 results written at `out`.
 */
export function instantiate(): Exports | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(INT8_DOTS_WASM, "base64"));
    } catch {
      compiled = null;
    }
  }
  return compiled ? (new WebAssembly.Instance(compiled, {}).exports as unknown as Exports) : null;
}

/** A query rounded to int16: value k ≈ query[k] / scale, each off by at most scale / 2. */
export interface Int16Query {
  values: Int16Array;
  scale: number;
}

export function quantizeQuery16(query: Float32Array, width = query.length): Int16Query {
  let max = 0;
  for (const x of query) max = Math.max(max, Math.abs(x));
  const scale = max / QUERY_MAX;
  // Past the query's own values (a scorer's padded width): zeros.
  const values = new Int16Array(Math.max(width, query.length));
  if (scale > 0) for (let k = 0; k < query.length; k++) values[k] = Math.round(query[k]! / scale);
  return { values, scale };
}

/**
 * Scores packed 4-bit rows (vector-codec.ts, `rowBytes(dims)` bytes each) against one int16 query; reuses
 * its buffers across calls. `dims` here is the padded width (a multiple of 32), the query as long.
 */
export class Int4Dots {
  readonly dims: number;
  /** Bytes of one row. */
  readonly rowBytes: number;
  readonly #wasm: Exports;
  readonly #chunkRows: number;
  /** Byte offsets in the module's memory: the query, the results, the rows. */
  readonly #query = 0;
  readonly #out: number;
  readonly #rows: number;
  #loadedQuery: Int16Array | null = null;
  /** Where rows kept in the module's memory start ({@link keep}), and how many there are. */
  #kept = -1;
  #keptRows = 0;

  private constructor(wasm: Exports, dims: number) {
    this.#wasm = wasm;
    this.dims = dims;
    this.rowBytes = dims / 2;
    this.#chunkRows = Math.max(1, Math.floor(CHUNK_BYTES / this.rowBytes));
    this.#out = dims * 2;
    this.#rows = this.#out + this.#chunkRows * 4;
    const need = this.#rows + this.#chunkRows * this.rowBytes;
    const have = wasm.memory.buffer.byteLength;
    if (need > have) wasm.memory.grow(Math.ceil((need - have) / PAGE));
  }

  /** The scorer for this padded width; null when WebAssembly SIMD is missing or the width does not suit it. */
  static for(dims: number): Int4Dots | null {
    // Whole 32-value steps; at most 2048, so no i32 lane can overflow (see the .wat).
    if (dims <= 0 || dims % 32 !== 0 || dims > 2048) return null;
    const wasm = instantiate();
    return wasm ? new Int4Dots(wasm, dims) : null;
  }

  /**
   * out[at + r] = Σ_k row_r[k] · query[k] for `count` rows that `fill` writes into the module's memory, a
   * chunk at a time: fill(into, r, n) puts rows r … r + n − 1 into `into` (n × rowBytes bytes), e.g. from a file.
   */
  dots(count: number, fill: (into: Uint8Array, r: number, n: number) => void, query: Int16Array, out: Int32Array, at = 0): void {
    const rows = new Uint8Array(this.#wasm.memory.buffer, this.#rows, this.#chunkRows * this.rowBytes);
    this.#score(count, query, out, at, (r, n) => {
      fill(rows.subarray(0, n * this.rowBytes), r, n);
      return this.#rows;
    });
  }

  /**
   * Keeps `count` rows in the module's memory for good (a long-lived process's whole small index), filled a
   * chunk at a time as in {@link dots}; {@link dotsKept} then scores them where they are, with no copy.
   * False when the module's memory cannot grow that far.
   */
  keep(count: number, fill: (into: Uint8Array, r: number, n: number) => void): boolean {
    const { rowBytes } = this;
    const start = this.#rows + this.#chunkRows * rowBytes;
    const need = start + count * rowBytes;
    const have = this.#wasm.memory.buffer.byteLength;
    try {
      if (need > have) this.#wasm.memory.grow(Math.ceil((need - have) / PAGE));
    } catch {
      return false;
    }
    const into = new Uint8Array(this.#wasm.memory.buffer, start, count * rowBytes);
    for (let r = 0; r < count; r += this.#chunkRows) {
      const n = Math.min(this.#chunkRows, count - r);
      fill(into.subarray(r * rowBytes, (r + n) * rowBytes), r, n);
    }
    this.#kept = start;
    this.#keptRows = count;
    return true;
  }

  /** The rows {@link keep} holds (a view: valid until the next keep), or null. */
  kept(): Uint8Array | null {
    return this.#kept < 0 ? null : new Uint8Array(this.#wasm.memory.buffer, this.#kept, this.#keptRows * this.rowBytes);
  }

  /** out[at + i] = Σ_k row_(from + i)[k] · query[k] for `count` rows kept by {@link keep}, scored in place. */
  dotsKept(from: number, count: number, query: Int16Array, out: Int32Array, at = 0): void {
    if (this.#kept < 0 || from < 0 || from + count > this.#keptRows) throw new Error(`rows ${from}…${from + count} are not kept`);
    this.#score(count, query, out, at, (r) => this.#kept + (from + r) * this.rowBytes);
  }

  /** Scores `count` rows a chunk at a time; rowsAt(r, n) says where rows r … r + n − 1 lie in the module's memory. */
  #score(count: number, query: Int16Array, out: Int32Array, at: number, rowsAt: (r: number, n: number) => number): void {
    if (query.length !== this.dims) throw new Error(`query has ${query.length} values, the scorer ${this.dims}`);
    if (this.#loadedQuery !== query) {
      new Int16Array(this.#wasm.memory.buffer, this.#query, this.dims).set(query);
      this.#loadedQuery = query;
    }
    const results = new Int32Array(this.#wasm.memory.buffer, this.#out, this.#chunkRows);
    for (let r = 0; r < count; r += this.#chunkRows) {
      const n = Math.min(this.#chunkRows, count - r);
      this.#wasm.dots4(rowsAt(r, n), n, this.dims, this.#query, this.#out);
      out.set(results.subarray(0, n), at + r);
    }
  }
}
