/**
 * @module Long texts on the embedding path: every embedder and the reranker tokenize at most MAX_EMBED_CHARS of
 * a query or document (a 200,000-character query once reached the tokenizer whole), and recall answers
 * normally for queries from 1 to 200,000 characters in every script, in keyword, semantic and hybrid mode.
 */
import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PreTrainedTokenizer } from "@huggingface/transformers";
import { makeFixtureModels } from "../../scripts/make-fixture-models.ts";
import { convertUseLite } from "../../scripts/convert-use-lite.ts";
import { clipForEmbedding, MAX_EMBED_CHARS } from "../../src/embed/clip.ts";
import { HfReranker } from "../../src/embed/hf-reranker.ts";
import { HfEmbedder } from "../../src/embed/hf.ts";
import { UseLiteEmbedder } from "../../src/embed/use-lite.ts";
import { Engine } from "../../src/engine/engine.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { fuzzText, SCRIPTS } from "../helpers/fuzz-text.ts";

let dir: string;
let fx: { embedder: string; reranker: string };
let useLite: UseLiteEmbedder;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cairn-long-"));
  fx = makeFixtureModels(join(dir, "fixtures"));
  await convertUseLite();
  useLite = await UseLiteEmbedder.open();
});
afterAll(async () => {
  await useLite?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const LONG = 200_000;
const same = (a: Float32Array, b: Float32Array) => a.every((x, i) => x === b[i]);

test("clipping keeps short texts and never ends inside a surrogate pair", () => {
  expect(clipForEmbedding("short")).toBe("short");
  const emoji = "😀".repeat(MAX_EMBED_CHARS);
  const cut = clipForEmbedding(emoji);
  expect(cut.length).toBe(MAX_EMBED_CHARS);
  expect(cut.isWellFormed()).toBe(true);
  const odd = `x${emoji}`;
  expect(clipForEmbedding(odd).length).toBe(MAX_EMBED_CHARS - 1);
  expect(clipForEmbedding(odd).isWellFormed()).toBe(true);
});

describe("tokenizers see at most MAX_EMBED_CHARS", () => {
  test("USE-lite, queries and documents", async () => {
    const encode = spyOn(useLite.tokenizer, "encode");
    try {
      const text = fuzzText("latin", LONG);
      const [q] = await useLite.embed([text], "query");
      const [d] = await useLite.embed([text], "document");
      const lengths = encode.mock.calls.map(([t]) => t.length);
      expect(lengths.length).toBeGreaterThan(0);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(MAX_EMBED_CHARS);
      // The model reads 128 tokens: the clipped text embeds to the same vector.
      expect(same(q!, (await useLite.embed([text.slice(0, MAX_EMBED_CHARS)], "query"))[0]!)).toBe(true);
      expect(same(q!, d!)).toBe(true);
    } finally {
      encode.mockRestore();
    }
  });

  test("HF embedder and cross-encoder reranker", async () => {
    const call = spyOn(PreTrainedTokenizer.prototype, "_call");
    const embedder = await HfEmbedder.open({ id: "tiny-bert", kind: "embedder", source: "tiny-bert", pooling: "mean", maxLength: 64 }, fx.embedder);
    const reranker = await HfReranker.open({ id: "tiny-ce", kind: "reranker", source: "tiny-ce", maxLength: 64 }, fx.reranker);
    try {
      call.mockClear();
      const text = fuzzText("mixed", LONG);
      const [v] = await embedder.embed([text, "the cat sat"], "query");
      const scores = await reranker.score(text, [text, "the cat sat"]);
      expect(v!.every(Number.isFinite)).toBe(true);
      expect(scores.every(Number.isFinite)).toBe(true);
      const seen = call.mock.calls.flatMap(([texts, options]) => [
        ...(Array.isArray(texts) ? texts : [texts]),
        ...((options as { text_pair?: string[] } | undefined)?.text_pair ?? []),
      ]);
      expect(seen.length).toBeGreaterThanOrEqual(4);
      expect(Math.max(...seen.map((t: string) => t.length))).toBeLessThanOrEqual(MAX_EMBED_CHARS);
    } finally {
      call.mockRestore();
      await embedder.dispose();
      await reranker.dispose();
    }
  });
});

test("recall answers queries of 1 to 200,000 characters in every script and mode", async () => {
  const store = new SqliteStore(":memory:");
  const dense = new DenseChannel({ store, open: async () => useLite, kernel: null });
  const engine = new Engine({ store, project: "/work/app", actor: "test", now: () => Date.now(), channels: { dense } });
  const kept = engine.remember({ content: "The deploy database migration failed because a lock was held" });
  for (const script of SCRIPTS) {
    for (const length of [1, 1000, 30_000, LONG]) {
      const query = fuzzText(script, length);
      for (const mode of ["keyword", "semantic", "hybrid"] as const) {
        if (query.trim() === "") continue;
        const result = await engine.recall({ query, mode, limit: 5 });
        expect(Array.isArray(result.results)).toBe(true);
        expect(result.results.every((r) => Number.isFinite(r.score))).toBe(true);
      }
    }
  }
  // Keyword search still reads a long query: its first words find the memory.
  const long = `deploy migration lock ${fuzzText("cjk", LONG)}`;
  expect((await engine.recall({ query: long, mode: "keyword" })).results.map((r) => r.memory.id)).toContain(kept.id);
  store.close();
});
