/**
 * @module Just enough of the ONNX protobuf wire format to write a tiny graph at run time (the vector
 * top-k kernel), so the binary needs neither onnx-proto nor protobufjs. Field numbers follow onnx.proto;
 * test/unit/vector-onnx-wire.test.ts decodes the output with onnx-proto to keep them honest.
 */

export const ONNX_TYPE = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;
export type OnnxType = (typeof ONNX_TYPE)[keyof typeof ONNX_TYPE];

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Integer attributes only (axis, to, largest, …): all this kernel needs. */
  ints?: Record<string, number>;
}

export interface OnnxValue {
  name: string;
  type: OnnxType;
  /** A number is a fixed size, a string a symbolic one. */
  dims: Array<number | string>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  opset: number;
}

/** A protobuf message under construction: fields appended in order, nested messages as byte strings. */
class Msg {
  readonly #bytes: number[] = [];

  varint(field: number, value: number): this {
    this.#tag(field, 0);
    this.#uvarint(value);
    return this;
  }

  bytes(field: number, data: Uint8Array | number[]): this {
    this.#tag(field, 2);
    this.#uvarint(data.length);
    for (const b of data) this.#bytes.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  msg(field: number, m: Msg): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  #tag(field: number, wire: number): void {
    this.#uvarint(field * 8 + wire);
  }

  /** Negative values (TopK's axis -1) take ten bytes: int64 fields carry them as two's complement. */
  #uvarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`cannot encode ${value} as a varint`);
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.#bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.#bytes.push(Number(v));
  }
}

function valueInfo(v: OnnxValue): Msg {
  const shape = new Msg();
  for (const d of v.dims) shape.msg(1, typeof d === "number" ? new Msg().varint(1, d) : new Msg().string(2, d));
  const tensor = new Msg().varint(1, v.type).msg(2, shape);
  return new Msg().string(1, v.name).msg(2, new Msg().msg(1, tensor));
}

function node(n: OnnxNode, index: number): Msg {
  const m = new Msg();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, `${n.op}_${index}`).string(4, n.op);
  // AttributeProto: name 1, i 3, type 20 (INT = 2).
  for (const [name, value] of Object.entries(n.ints ?? {})) m.msg(5, new Msg().string(1, name).varint(3, value).varint(20, 2));
  return m;
}

/** Serialises `g` as a ModelProto (IR version 8). */
export function encodeOnnx(g: OnnxGraph): Uint8Array {
  const graph = new Msg();
  g.nodes.forEach((n, i) => graph.msg(1, node(n, i)));
  graph.string(2, g.name);
  for (const v of g.inputs) graph.msg(11, valueInfo(v));
  for (const v of g.outputs) graph.msg(12, valueInfo(v));
  return new Msg()
    .varint(1, 8)
    .string(2, "cairn")
    .msg(7, graph)
    .msg(8, new Msg().string(1, "").varint(2, g.opset))
    .finish();
}
