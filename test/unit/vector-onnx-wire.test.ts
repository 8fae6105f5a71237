/**
 * @module The hand-written ONNX encoder of the top-k kernel's graph decodes, with the reference protobuf
 * schema (onnx-proto), to exactly the graph described: ops, wiring, attributes (negative ones too), types
 * and symbolic shapes. A wrong field number or wire type fails here rather than as an opaque load error.
 */
import { expect, test } from "bun:test";
import { onnx } from "onnx-proto";
import { encodeOnnx, ONNX_TYPE } from "../../src/embed/onnx-wire.ts";
import { topKGraph } from "../../src/embed/vector-topk.ts";

test("the top-k graph round-trips through onnx-proto", () => {
  const graph = topKGraph();
  const model = onnx.ModelProto.decode(encodeOnnx(graph));
  expect(Number(model.irVersion)).toBe(8);
  expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([["", 17]]);
  const g = model.graph!;
  expect(g.name).toBe(graph.name);
  const nodes = g.node ?? [];
  expect(nodes.map((n) => [n.opType, n.input, n.output])).toEqual(graph.nodes.map((n) => [n.op, n.inputs, n.outputs]));
  const attrs = nodes.map((n) => Object.fromEntries((n.attribute ?? []).map((a) => [a.name, Number(a.i)])));
  expect(attrs).toEqual(graph.nodes.map((n) => n.ints ?? {}));
  expect(attrs[4]).toEqual({ axis: -1, largest: 1, sorted: 1 });
  for (const [decoded, wanted] of [
    [g.input ?? [], graph.inputs],
    [g.output ?? [], graph.outputs],
  ] as const) {
    expect(
      decoded.map((v) => ({
        name: v.name,
        type: v.type?.tensorType?.elemType,
        dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue))),
      })),
    ).toEqual(wanted.map((v) => ({ name: v.name, type: v.type, dims: v.dims })));
  }
  expect(g.input?.[1]?.type?.tensorType?.elemType).toBe(ONNX_TYPE.int8);
});

test("large and negative varints encode as protobuf does", () => {
  const graph = { ...topKGraph(), nodes: [{ op: "Identity", inputs: ["a"], outputs: ["b"], ints: { big: 2 ** 40 + 3, neg: -123456789 } }] };
  const node = onnx.ModelProto.decode(encodeOnnx(graph)).graph?.node?.[0];
  expect((node?.attribute ?? []).map((a) => [a.name, Number(a.i), a.type])).toEqual([
    ["big", 2 ** 40 + 3, onnx.AttributeProto.AttributeType.INT],
    ["neg", -123456789, onnx.AttributeProto.AttributeType.INT],
  ]);
});
