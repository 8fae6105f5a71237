/**
 * @module USE-lite's forward pass for one query, on the int8 WebAssembly kernel the vector search already uses
 * (int8-dots.wat), from a weights file the build writes beside the ONNX graph
 * (scripts/convert-use-lite.ts buildUseLiteWeights): the same quantised weights, and each dense layer
 * quantising its input as onnxruntime's DynamicQuantizeMatMul does (uint8, one scale and zero point for the
 * whole input, round half to even; int32 sums; × input scale × column scale + bias). A one-shot `cairn recall`
 * spent ~40 ms starting onnxruntime (its environment, then the session) to embed a query in ~2 ms; this needs
 * neither. Vectors agree with onnxruntime's to rounding (test/embed/use-lite-query.test.ts).
 */
import { type Exports as Int8Kernel, instantiate } from "./int8-dots.ts";

const MAGIC = "CAIRNUQ1";
const DIMS = 512;

/** A tensor of the weights file: its type, shape and where its bytes start (after the header). */
interface TensorInfo {
  dtype: "f32" | "i8";
  shape: number[];
  offset: number;
}

/**
 * A dense layer `name`: its rows (int8, one per output, `in` wide) from `from` in the group of its input width;
 * its column scales and bias are the tensors `name.scales` and `name.bias`.
 */
interface LinearInfo {
  in: number;
  from: number;
  rows: number;
}

/** The weights file's header: its tensors, its dense layers, and the scalars of the graph. */
export interface WeightsHeader {
  tensors: Record<string, TensorInfo>;
  linears: Record<string, LinearInfo>;
  eps: number;
  attentionScale: number[];
}

/** The weights file's layout: magic, header length (u32 LE), JSON header, zero padding to 16, tensors (each 16-aligned). */
export function encodeWeights(header: WeightsHeader, data: Map<string, Float32Array | Int8Array>): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = alignWeights(12 + json.length);
  const end = Math.max(...Object.entries(header.tensors).map(([n, t]) => t.offset + data.get(n)!.byteLength), 0);
  const bytes = new Uint8Array(start + end);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, json.length, true);
  bytes.set(json, 12);
  for (const [name, t] of Object.entries(header.tensors)) {
    const d = data.get(name)!;
    bytes.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), start + t.offset);
  }
  return bytes;
}

/** Tensors start at multiples of 16 bytes (float views need 4; SIMD rows like 16). */
export const alignWeights = (n: number) => Math.ceil(n / 16) * 16;

interface Linear {
  /** The int8 kernel's instance, every dense layer's rows in its memory. */
  wasm: Int8Kernel;
  /** Byte offset of its first row in the kernel's memory, and its input width. */
  at: number;
  width: number;
  rows: number;
  scales: Float32Array;
  bias: Float32Array;
}

/** Where a call's query (≤ 2,048 int16) and results (≤ 2,048 int32) go in the kernel's memory; the rows follow. */
const QUERY_AT = 0;
const OUT_AT = 8_192;
const ROWS_AT = 16_384;
const PAGE = 65_536;

interface Layer {
  dim: number;
  scale: number;
  attentionNorm: [Float32Array, Float32Array];
  qkv: Linear;
  output: Linear;
  ffnNorm: [Float32Array, Float32Array];
  conv1: Linear;
  conv2: Linear;
}

const HEADS = 4;

export class UseLiteQueryEncoder {
  readonly #embeddings: Float32Array;
  readonly #timing: Float32Array;
  readonly #eps: number;
  readonly #residual0: Linear;
  readonly #layers: [Layer, Layer];
  readonly #tanhBias: Float32Array;
  /** The final projection (512 × 512 floats) in the kernel's memory, and views of its input and output there. */
  readonly #tanh: { wasm: Int8Kernel; at: number; input: Float32Array; output: Float32Array };
  /** Throws when a tensor is missing or a kernel cannot be made (the caller falls back to onnxruntime). */
  private constructor(bytes: Uint8Array, header: WeightsHeader, start: number) {
    // The float tensors are views of `bytes` (a map of the file), which they keep alive.
    const f32 = (name: string) => {
      const t = header.tensors[name];
      if (!t || t.dtype !== "f32") throw new Error(`USE-lite weights: no float tensor ${name}`);
      return new Float32Array(bytes.buffer, bytes.byteOffset + start + t.offset, t.shape.reduce((a, b) => a * b, 1));
    };
    // One instance of the kernel, the rows of every dense layer in its memory (grouped by input width).
    const wasm = instantiate();
    if (!wasm) throw new Error("this runtime lacks WebAssembly SIMD");
    const groups = Object.entries(header.tensors).filter(([, t]) => t.dtype === "i8");
    const total = groups.reduce((n, [, t]) => n + t.shape[0]! * t.shape[1]!, 0);
    // After the rows: the final projection's floats, its input and its output (16-byte aligned).
    const tanhWeight = f32("tanh.weight");
    if (tanhWeight.length !== DIMS * DIMS) throw new Error(`USE-lite weights: tanh.weight has ${tanhWeight.length} values`);
    const tanhAt = alignWeights(ROWS_AT + total);
    const end = tanhAt + (DIMS * DIMS + 2 * DIMS) * 4;
    const have = wasm.memory.buffer.byteLength;
    if (end > have) wasm.memory.grow(Math.ceil((end - have) / PAGE));
    const groupAt = new Map<number, number>();
    let at = ROWS_AT;
    for (const [, t] of groups) {
      const [rows, width] = t.shape as [number, number];
      if (width % 16 !== 0 || width > 2048) throw new Error(`the int8 kernel cannot take rows of ${width}`);
      new Uint8Array(wasm.memory.buffer, at, rows * width).set(bytes.subarray(start + t.offset, start + t.offset + rows * width));
      groupAt.set(width, at);
      at += rows * width;
    }
    const linear = (name: string): Linear => {
      const l = header.linears[name];
      if (!l || !groupAt.has(l.in) || l.rows > 2048) throw new Error(`USE-lite weights: no layer ${name} the kernel can take`);
      return { wasm, at: groupAt.get(l.in)! + l.from * l.in, width: l.in, rows: l.rows, scales: f32(`${name}.scales`), bias: f32(`${name}.bias`) };
    };
    const layer = (i: number, dim: number): Layer => ({
      dim,
      scale: header.attentionScale[i]!,
      attentionNorm: [f32(`layer${i}.attention_norm.scale`), f32(`layer${i}.attention_norm.bias`)],
      qkv: linear(`layer${i}.qkv`),
      output: linear(`layer${i}.output`),
      ffnNorm: [f32(`layer${i}.ffn_norm.scale`), f32(`layer${i}.ffn_norm.bias`)],
      conv1: linear(`layer${i}.conv1`),
      conv2: linear(`layer${i}.conv2`),
    });
    this.#embeddings = f32("embeddings");
    this.#timing = f32("timing");
    this.#eps = header.eps;
    this.#residual0 = linear("residual0");
    this.#layers = [layer(0, 256), layer(1, 512)];
    new Float32Array(wasm.memory.buffer, tanhAt, DIMS * DIMS).set(tanhWeight);
    const input = new Float32Array(wasm.memory.buffer, tanhAt + DIMS * DIMS * 4, DIMS);
    const output = new Float32Array(wasm.memory.buffer, tanhAt + (DIMS * DIMS + DIMS) * 4, DIMS);
    this.#tanh = { wasm, at: tanhAt, input, output };
    this.#tanhBias = f32("tanh.bias");
  }

  /** The encoder over a weights file's bytes. Throws when they are not one, or WebAssembly SIMD is missing. */
  static open(bytes: Uint8Array): UseLiteQueryEncoder {
    if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new Error("not a USE-lite weights file");
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as WeightsHeader;
    return new UseLiteQueryEncoder(bytes, header, alignWeights(12 + length));
  }

  /** The unit-length embedding of one text's token ids (already clipped to the model's 128 positions). */
  encode(ids: readonly number[]): Float32Array {
    const L = ids.length;
    const pooled = new Float64Array(DIMS);
    const { wasm, at, input, output } = this.#tanh;
    if (L > 0) {
      // Input: twice the token's embedding (the TF graph scatters the lookup twice) plus the timing signal.
      const half = this.#timing.length;
      const x0 = new Float32Array(L * 2 * half);
      for (let p = 0; p < L; p++) {
        const row = this.#embeddings.subarray(ids[p]! * 2 * half, (ids[p]! + 1) * 2 * half);
        for (let i = 0; i < 2 * half; i++) {
          const angle = Math.fround(p * this.#timing[i % half]!);
          x0[p * 2 * half + i] = row[i]! + row[i]! + (i < half ? Math.sin(angle) : Math.cos(angle));
        }
      }
      const [l0, l1] = this.#layers;
      let y = add(this.#attention(layerNorm(x0, L, ...l0.attentionNorm, this.#eps), L, l0), linear(x0, L, this.#residual0));
      y = this.#ffn(y, L, l0);
      y = add(this.#attention(layerNorm(y, L, ...l1.attentionNorm, this.#eps), L, l1), y);
      y = this.#ffn(y, L, l1);
      for (let p = 0; p < L; p++) for (let j = 0; j < DIMS; j++) pooled[j]! += y[p * DIMS + j]!;
      for (let j = 0; j < DIMS; j++) pooled[j] = Math.fround(pooled[j]! / L);
    }
    // pooled · W in the kernel (W is in × out: each row is read once, in order; float32 sums, as onnxruntime's
    // MatMul). In JS this loop was a fifth of a one-shot query's embedding (~5 ms of it cold).
    input.set(pooled);
    output.fill(0);
    wasm.project(at, DIMS, DIMS, input.byteOffset, output.byteOffset);
    const out = new Float32Array(DIMS);
    let norm = 0;
    for (let j = 0; j < DIMS; j++) {
      out[j] = Math.tanh(output[j]! + this.#tanhBias[j]!);
      norm += out[j]! * out[j]!;
    }
    const inv = 1 / Math.sqrt(Math.max(norm, 1e-12));
    for (let j = 0; j < DIMS; j++) out[j]! *= inv;
    return out;
  }

  /** Multi-head self-attention over the L positions of `h` (L × dim), every position unmasked. */
  #attention(h: Float32Array, L: number, layer: Layer): Float32Array {
    const { dim } = layer;
    const qkv = linear(h, L, layer.qkv);
    const hd = dim / HEADS;
    const merged = new Float32Array(L * dim);
    const logits = new Float64Array(L);
    const q = new Float32Array(hd);
    for (let head = 0; head < HEADS; head++) {
      for (let i = 0; i < L; i++) {
        for (let d = 0; d < hd; d++) q[d] = qkv[i * 3 * dim + head * hd + d]! * layer.scale;
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < L; j++) {
          let s = 0;
          const k = j * 3 * dim + dim + head * hd;
          for (let d = 0; d < hd; d++) s += q[d]! * qkv[k + d]!;
          logits[j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = 0; j < L; j++) sum += logits[j] = Math.exp(logits[j]! - max);
        for (let d = 0; d < hd; d++) {
          let c = 0;
          for (let j = 0; j < L; j++) c += (logits[j]! / sum) * qkv[j * 3 * dim + 2 * dim + head * hd + d]!;
          merged[i * dim + head * hd + d] = c;
        }
      }
    }
    return linear(merged, L, layer.output);
  }

  /** The feed-forward block with its residual: y + conv2(relu(conv1(norm(y)))). */
  #ffn(y: Float32Array, L: number, layer: Layer): Float32Array {
    const a = linear(layerNorm(y, L, ...layer.ffnNorm, this.#eps), L, layer.conv1);
    for (let i = 0; i < a.length; i++) if (a[i]! < 0) a[i] = 0;
    return add(linear(a, L, layer.conv2), y);
  }
}

const add = (a: Float32Array, b: Float32Array) => {
  for (let i = 0; i < a.length; i++) a[i]! += b[i]!;
  return a;
};

function layerNorm(x: Float32Array, L: number, scale: Float32Array, bias: Float32Array, eps: number): Float32Array {
  const dim = scale.length;
  const out = new Float32Array(x.length);
  for (let p = 0; p < L; p++) {
    const at = p * dim;
    let mean = 0;
    for (let i = 0; i < dim; i++) mean += x[at + i]!;
    mean /= dim;
    let v = 0;
    for (let i = 0; i < dim; i++) v += (x[at + i]! - mean) ** 2;
    const inv = 1 / Math.sqrt(v / dim + eps);
    for (let i = 0; i < dim; i++) out[at + i] = (x[at + i]! - mean) * inv * scale[i]! + bias[i]!;
  }
  return out;
}

/**
 * 1.5 · 2⁵²: adding and subtracting it rounds a double of magnitude below 2⁵¹ to an integer, half to even (the
 * default rounding of IEEE arithmetic), as onnxruntime's quantisation rounds; faster than Math.round and a tie check.
 */
const ROUND = 6755399441055744;

/**
 * x (L × the layer's input width) times a dense layer, as DynamicQuantizeMatMul: x quantised to uint8 with one
 * scale and zero point (its range widened to hold 0), exact integer sums with the int8 columns, then × both
 * scales + bias.
 */
function linear(x: Float32Array, L: number, lin: Linear): Float32Array {
  const { wasm, width } = lin;
  let min = 0;
  let max = 0;
  for (let i = 0; i < L * width; i++) {
    const v = x[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max === min ? 1 : Math.fround(Math.fround(max - min) / 255);
  const zero = Math.max(0, Math.min(255, Math.fround(0 - Math.fround(min / scale)))) + ROUND - ROUND;
  const out = new Float32Array(L * lin.rows);
  const multiplier = new Float32Array(lin.rows);
  for (let j = 0; j < lin.rows; j++) multiplier[j] = Math.fround(scale * lin.scales[j]!);
  const q = new Int16Array(wasm.memory.buffer, QUERY_AT, width);
  const sums = new Int32Array(wasm.memory.buffer, OUT_AT, lin.rows);
  for (let p = 0; p < L; p++) {
    for (let i = 0; i < width; i++) {
      const v = Math.fround(x[p * width + i]! / scale) + ROUND - ROUND + zero;
      q[i] = (v < 0 ? 0 : v > 255 ? 255 : v) - zero;
    }
    wasm.dots(lin.at, lin.rows, width, QUERY_AT, OUT_AT);
    for (let j = 0; j < lin.rows; j++) out[p * lin.rows + j] = Math.fround(sums[j]! * multiplier[j]!) + lin.bias[j]!;
  }
  return out;
}
