/** @module A tiny ONNX graph builder over onnx-proto, shared by the USE-lite converter and the fixture generator. */
import { onnx } from "onnx-proto";

const F = onnx.TensorProto.DataType.FLOAT;
const I64 = onnx.TensorProto.DataType.INT64;
const I8 = onnx.TensorProto.DataType.INT8;
export const DT = { float: F, int64: I64 } as const;
/** onnxruntime's contrib ops (DynamicQuantizeMatMul …), imported at version 1 when a graph uses one. */
export const MS_DOMAIN = "com.microsoft";

type Attr = number | number[];

/** Accumulates nodes and initializers; every op returns the name of its (first) output. */
export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly inits: onnx.ITensorProto[] = [];
  #uid = 0;

  /** A named float initializer (weights keep their source names so graphs stay debuggable). */
  f32(name: string, dims: number[], data: Float32Array): string {
    this.inits.push(
      onnx.TensorProto.create({ name, dims, dataType: F, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }),
    );
    return name;
  }

  /** A named int8 initializer (quantised weights). */
  i8(name: string, dims: number[], data: Int8Array): string {
    this.inits.push(onnx.TensorProto.create({ name, dims, dataType: I8, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }));
    return name;
  }

  /** An int64 constant: a 1-D tensor, or a scalar when `scalar` is set. */
  i64(vals: number[], scalar = false): string {
    const name = `c${this.#uid++}`;
    const a = BigInt64Array.from(vals.map(BigInt));
    this.inits.push(onnx.TensorProto.create({ name, dims: scalar ? [] : [vals.length], dataType: I64, rawData: new Uint8Array(a.buffer) }));
    return name;
  }

  /** A float scalar constant. */
  scalar(v: number): string {
    const name = `s${this.#uid++}`;
    this.inits.push(onnx.TensorProto.create({ name, dims: [], dataType: F, floatData: [v] }));
    return name;
  }

  op(opType: string, input: string[], attrs: Record<string, Attr> = {}, output?: string): string {
    return this.opN(opType, input, attrs, 1, output)[0]!;
  }

  /** An onnxruntime contrib op ({@link MS_DOMAIN}); `encode` then imports that domain. */
  msOp(opType: string, input: string[], output?: string): string {
    const out = this.op(opType, input, {}, output);
    this.nodes.at(-1)!.domain = MS_DOMAIN;
    return out;
  }

  opN(opType: string, input: string[], attrs: Record<string, Attr>, nOut: number, firstOutput?: string): string[] {
    const output = Array.from({ length: nOut }, (_, i) => (i === 0 && firstOutput ? firstOutput : `t${this.#uid++}`));
    const attribute = Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v)
        ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
        : Number.isInteger(v)
          ? { name, type: onnx.AttributeProto.AttributeType.INT, i: v }
          : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v },
    );
    this.nodes.push(onnx.NodeProto.create({ opType, input, output, attribute, name: `${opType}_${output[0]}` }));
    return output;
  }

  /** LayerNorm over the last axis, spelled out in primitive ops (opset-independent). */
  layerNorm(x: string, scale: string, bias: string, eps: number): string {
    const mean = this.op("ReduceMean", [x], { axes: [-1], keepdims: 1 });
    const d = this.op("Sub", [x, mean]);
    const variance = this.op("ReduceMean", [this.op("Mul", [d, d])], { axes: [-1], keepdims: 1 });
    const r = this.op("Reciprocal", [this.op("Sqrt", [this.op("Add", [variance, this.scalar(eps)])])]);
    return this.op("Add", [this.op("Mul", [this.op("Mul", [scale, r]), d]), bias]);
  }

  /** LayerNormalization over the last axis as one op (opset 17): onnxruntime runs it fused, ~20% of USE-lite's time. */
  layerNormalization(x: string, scale: string, bias: string, eps: number): string {
    return this.op("LayerNormalization", [x, scale, bias], { axis: -1, epsilon: eps });
  }

  /** Serialises the graph as an ONNX model (IR 8, opset 17, plus {@link MS_DOMAIN} when a contrib op is used). */
  encode(name: string, inputs: onnx.IValueInfoProto[], outputs: onnx.IValueInfoProto[], producer: string): Uint8Array {
    const contrib = this.nodes.some((n) => n.domain === MS_DOMAIN);
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: "", version: 17 }, ...(contrib ? [{ domain: MS_DOMAIN, version: 1 }] : [])],
      producerName: producer,
      graph: onnx.GraphProto.create({ name, node: this.nodes, initializer: this.inits, input: inputs, output: outputs }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** A graph input/output description; string dims are symbolic (batch, length). */
export function valueInfo(name: string, elemType: number, dims: Array<string | number>): onnx.IValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } },
  });
}
