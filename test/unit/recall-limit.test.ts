/** @module Asking recall for more results lists more after the first ones; it never reorders them. */
import { expect, test } from "bun:test";
import type { EmbedKind, Embedder } from "../../src/embed/port.ts";
import { Engine } from "../../src/engine/engine.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

const WORDS = ["deploy", "cache", "queue", "retry", "schema", "index", "token", "worker", "backup", "metrics", "alert", "build", "lint", "release", "proxy", "timeout", "shard", "replica", "cron", "webhook"];

/** Each word a fixed direction; a text the normalised sum of its words' (so texts sharing words are near). */
class WordsEmbedder implements Embedder {
  readonly model = "words";
  readonly dims = 16;
  readonly minScore = 0.3;
  async embed(texts: string[], _kind: EmbedKind): Promise<Float32Array[]> {
    return texts.map((t) => {
      const v = new Float32Array(16);
      for (const w of t.toLowerCase().match(/[a-z]+/g) ?? []) {
        let h = 2166136261;
        for (const c of w) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
        for (let i = 0; i < 16; i++) v[i]! += ((h >>> i) & 1) === 1 ? 1 : -0.5;
      }
      const n = Math.hypot(...v) || 1;
      return v.map((x) => x / n);
    });
  }
  async dispose(): Promise<void> {}
}

test("the first results of a larger limit are those of a smaller one, in the same order (keyword, semantic, hybrid)", async () => {
  const store = new SqliteStore(":memory:");
  const dense = new DenseChannel({ store, open: async () => new WordsEmbedder(), kernel: null });
  let now = 1_700_000_000_000;
  const engine = new Engine({ store, project: "/work/app", actor: "test", channels: { dense }, now: () => now });
  // 240 notes of three to five of the words, some of them twice, over a few weeks: long lists for every query.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 240; i++) {
    const n = 3 + Math.floor(next() * 3);
    const words = Array.from({ length: n }, () => WORDS[Math.floor(next() * WORDS.length)]!);
    engine.remember({ content: `Note ${i}: the ${words.join(" and the ")} settings changed after review ${i % 17}.` });
    now += 3_600_000 * (1 + Math.floor(next() * 20));
  }
  const orders: string[] = [];
  for (const mode of ["keyword", "semantic", "hybrid"] as const) {
    for (const query of ["why does the deploy retry after a timeout", "queue worker backup", "which proxy settings changed last week", "shard replica index"]) {
      const top = async (limit: number) => (await engine.recall({ query, mode, limit, track: false, abstain: false })).results.map((r) => r.memory.content);
      const [five, ten, twenty, fifty] = [await top(5), await top(10), await top(20), await top(50)];
      expect(ten).toHaveLength(10);
      expect(fifty.length).toBeGreaterThan(20);
      expect([mode, query, five]).toEqual([mode, query, ten.slice(0, 5)]);
      expect([mode, query, ten]).toEqual([mode, query, twenty.slice(0, 10)]);
      expect([mode, query, ten]).toEqual([mode, query, fifty.slice(0, 10)]);
      orders.push(ten.join("|"));
    }
  }
  // The modes rank differently: the test compares real orders, not one list with itself.
  expect(new Set(orders).size).toBeGreaterThan(4);
  await dense.dispose();
});
