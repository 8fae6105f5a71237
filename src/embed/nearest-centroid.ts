/**
 * @module Nearest centroid for many vectors at once on onnxruntime (MatMul → ArgMax, a graph written at run
 * time like the top-k kernel's): assigning 1M vectors to ~1,000 IVF lists is ~5·10¹¹ multiply-adds, minutes
 * in JS, seconds in onnxruntime's SGEMM. Only index builders load it (the worker, `models reindex`).
 */
import { encodeOnnx, ONNX_TYPE, type OnnxGraph } from "./onnx-wire.ts";
import { loadOrt } from "./ort.ts";

/** Rows sent per run: the [rows × lists] product stays a few MB. */
const BATCH = 2048;

function graph(): OnnxGraph {
  const { float, int64 } = ONNX_TYPE;
  return {
    name: "cairn-nearest-centroid",
    opset: 17,
    inputs: [
      { name: "x", type: float, dims: ["rows", "dims"] },
      { name: "c", type: float, dims: ["dims", "lists"] },
    ],
    outputs: [{ name: "best", type: int64, dims: ["rows"] }],
    nodes: [
      { op: "MatMul", inputs: ["x", "c"], outputs: ["dot"] },
      { op: "ArgMax", inputs: ["dot"], outputs: ["best"], ints: { axis: 1, keepdims: 0 } },
    ],
  };
}

/** `assign(rows, n, dims, centroids, nlist)`: each of the n row-major float rows' nearest centroid (max dot). */
export type AssignFn = (rows: (from: number, to: number) => Float32Array, n: number, dims: number, centroids: Float32Array, nlist: number) => Promise<Uint32Array>;

export async function openNearestCentroid(): Promise<{ assign: AssignFn; dispose(): Promise<void> }> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(encodeOnnx(graph()), { graphOptimizationLevel: "all", intraOpNumThreads: 1, interOpNumThreads: 1 });
  return {
    async assign(rows, n, dims, centroids, nlist) {
      // Centroids transposed to [dims × lists] once.
      const ct = new Float32Array(dims * nlist);
      for (let l = 0; l < nlist; l++) for (let k = 0; k < dims; k++) ct[k * nlist + l] = centroids[l * dims + k]!;
      const c = new ort.Tensor("float32", ct, [dims, nlist]);
      const out = new Uint32Array(n);
      for (let from = 0; from < n; from += BATCH) {
        const to = Math.min(n, from + BATCH);
        const res = await session.run({ x: new ort.Tensor("float32", rows(from, to), [to - from, dims]), c });
        const best = res.best!.data as BigInt64Array;
        for (let i = 0; i < to - from; i++) out[from + i] = Number(best[i]!);
      }
      return out;
    },
    dispose: () => session.release(),
  };
}
