/**
 * @module The WebAssembly SIMD module (int8-dots.wat) the one-shot query encoder runs its int8 dense layers and
 * final projection on (embed/use-lite-query.ts). Unavailable (null) when the runtime lacks WebAssembly SIMD:
 * the encoder then leaves the query to onnxruntime.
 */
import { INT8_DOTS_WASM } from "./int8-dots-wasm.ts";

export interface Exports {
  memory: WebAssembly.Memory;
  dots(rows: number, n: number, dims: number, query: number, out: number): void;
  project(w: number, rows: number, cols: number, x: number, out: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * A fresh instance (its own memory), or null when this runtime cannot compile SIMD code. Its exports take
 * byte offsets in that memory: dots(rows, n, dims, query, out) n rows of `dims` int8 values (dims a multiple
 * of 16, at most 2048) at `rows`, the int16 query at `query`, n int32 results written at `out`; project as
 * int8-dots.wat says.
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
