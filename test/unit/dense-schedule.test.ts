/** @module A long-lived process embeds what it just wrote after a write; a backlog stays the background worker's. */
import { expect, test } from "bun:test";
import type { EmbedKind, Embedder } from "../../src/embed/port.ts";
import { Engine } from "../../src/engine/engine.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

class CountingEmbedder implements Embedder {
  readonly model = "counting";
  readonly dims = 4;
  readonly minScore = 0.3;
  embedded = 0;
  async embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
    if (kind === "document") this.embedded += texts.length;
    return texts.map((t) => (/release/.test(t) ? Float32Array.of(0, 1, 0, 0) : Float32Array.of(1, 0, 0, 0)));
  }
  async dispose(): Promise<void> {}
}

test("after a write the newest memories are embedded, not the backlog: the next search does not wait for it (QA: ~2 s at 100k)", async () => {
  const store = new SqliteStore(":memory:");
  const embedder = new CountingEmbedder();
  const backlog: number[] = [];
  const dense = new DenseChannel({ store, open: async () => embedder, kernel: null, onBacklog: (n) => backlog.push(n) });
  const engine = new Engine({ store, project: "/p", actor: "test", channels: { dense } });
  // An import without vectors: 600 memories, more than a search catches up on by itself.
  await engine.import(Array.from({ length: 600 }, (_, i) => JSON.stringify({ content: `imported note ${i} about the deploy pipeline` })).join("\n"));
  const fresh = engine.remember({ content: "the release train leaves on fridays" }).memory;
  dense.schedule();
  const hits = await dense.search({ text: "when does the release train leave", filter: { scope: { projects: ["/p"], includeGlobal: true } }, now: Date.now(), limit: 10 });
  expect(embedder.embedded).toBeLessThanOrEqual(32);
  expect(hits[0]?.memory.id).toBe(fresh.id);
  expect(dense.unsearched()).toBe(601 - embedder.embedded);
  expect(backlog.at(-1)).toBe(601 - embedder.embedded);
  await dense.dispose();
});
