/**
 * @module The int8 top-k kernel on onnxruntime: a small graph (MatMulInteger → Cast → Mul by the per-row
 * scales → Add the per-row bias → TopK) built in memory, run on one thread. The matrix is an input, not a
 * weight, so the session never changes when memories do; onnxruntime wraps the typed arrays it is handed
 * instead of copying them. Measured at 10k × 512: ~0.2 ms, versus ~2.5 ms for float dot products in JS.
 */
import type { TopKInput, TopKKernel, TopKResult } from "./vector-kernel.ts";
import { encodeOnnx, ONNX_TYPE, type OnnxGraph } from "./onnx-wire.ts";
import { loadOrt } from "./ort.ts";

type Ort = ReturnType<typeof loadOrt>;
type Session = Awaited<ReturnType<Ort["InferenceSession"]["create"]>>;

/** The graph, for any width and row count (both symbolic). */
export function topKGraph(): OnnxGraph {
  const { float, uint8, int8, int32, int64 } = ONNX_TYPE;
  return {
    name: "cairn-int8-topk",
    opset: 17,
    inputs: [
      { name: "query", type: uint8, dims: [1, "dims"] },
      { name: "columns", type: int8, dims: ["dims", "capacity"] },
      { name: "scales", type: float, dims: ["capacity"] },
      { name: "bias", type: float, dims: ["capacity"] },
      { name: "k", type: int64, dims: [1] },
    ],
    outputs: [
      { name: "values", type: float, dims: [1, "k"] },
      { name: "rows", type: int32, dims: [1, "k"] },
    ],
    nodes: [
      { op: "MatMulInteger", inputs: ["query", "columns"], outputs: ["dot"] },
      { op: "Cast", inputs: ["dot"], outputs: ["dot_f"], ints: { to: float } },
      { op: "Mul", inputs: ["dot_f", "scales"], outputs: ["scaled"] },
      { op: "Add", inputs: ["scaled", "bias"], outputs: ["biased"] },
      { op: "TopK", inputs: ["biased", "k"], outputs: ["values", "rows64"], ints: { axis: -1, largest: 1, sorted: 1 } },
      { op: "Cast", inputs: ["rows64"], outputs: ["rows"], ints: { to: int32 } },
    ],
  };
}

class OrtTopK implements TopKKernel {
  readonly #ort: Ort;
  readonly #session: Session;

  constructor(ort: Ort, session: Session) {
    this.#ort = ort;
    this.#session = session;
  }

  async top(input: TopKInput): Promise<TopKResult> {
    const { Tensor } = this.#ort;
    const { dims, capacity } = input;
    const k = Math.min(input.k, capacity);
    const out = await this.#session.run({
      query: new Tensor("uint8", input.query, [1, dims]),
      columns: new Tensor("int8", input.columns, [dims, capacity]),
      scales: new Tensor("float32", input.scales, [capacity]),
      bias: new Tensor("float32", input.bias, [capacity]),
      k: new Tensor("int64", BigInt64Array.of(BigInt(k)), [1]),
    });
    return { rows: out.rows!.data as Int32Array, values: out.values!.data as Float32Array };
  }

  async dispose(): Promise<void> {
    await this.#session.release();
  }
}

/** Opens the kernel; throws (MODEL_UNAVAILABLE from loadOrt) when onnxruntime cannot load. */
export async function openTopKKernel(): Promise<TopKKernel> {
  const ort = loadOrt();
  // One thread: the product takes ~0.2 ms, less than waking a pool, and recall runs beside other work.
  const session = await ort.InferenceSession.create(encodeOnnx(topKGraph()), {
    graphOptimizationLevel: "all",
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
  });
  return new OrtTopK(ort, session);
}
