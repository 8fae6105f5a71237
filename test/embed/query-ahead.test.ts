/**
 * @module A one-shot recall's query embedded on a second thread (src/embed/query-ahead.ts): the thread's
 * vector is the one the recall's own thread would make, bit for bit, and it answers only that query; anything
 * else, or a thread that cannot embed, goes to the embedder it wraps.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmbedKind, EmbedOptions, Embedder } from "../../src/embed/port.ts";
import { QueryAhead, startQueryAhead, withQueryAhead } from "../../src/embed/query-ahead.ts";
import { USE_LITE_ID, UseLiteEmbedder } from "../../src/embed/use-lite.ts";

let dataDir: string;
let local: UseLiteEmbedder;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "cairn-ahead-"));
  local = await UseLiteEmbedder.open();
});
afterAll(async () => {
  await local?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `local`, counting the calls that reach it. */
function counted(): { embedder: Embedder; calls: Array<{ texts: string[]; kind: EmbedKind }> } {
  const calls: Array<{ texts: string[]; kind: EmbedKind }> = [];
  const embedder: Embedder = {
    model: local.model,
    dims: local.dims,
    minScore: local.minScore,
    oneScript: local.oneScript,
    embed(texts: string[], kind: EmbedKind, opts?: EmbedOptions) {
      calls.push({ texts, kind });
      return local.embed(texts, kind, opts);
    },
    dispose: async () => {},
  };
  return { embedder, calls };
}

const TEXT = "why did the staging deploy fail after the migration";

test("the thread's vector of the query is this thread's own, bit for bit, and only that query is answered from it", async () => {
  const ahead = startQueryAhead(dataDir, USE_LITE_ID, TEXT);
  expect(ahead).toBeDefined();
  const { embedder, calls } = counted();
  const wrapped = withQueryAhead(embedder, ahead!);
  expect([wrapped.model, wrapped.dims, wrapped.minScore, wrapped.oneScript]).toEqual([local.model, local.dims, local.minScore, local.oneScript]);
  const [fromThread] = await wrapped.embed([TEXT], "query", { oneShot: true });
  const [own] = await local.embed([TEXT], "query", { oneShot: true });
  expect(calls).toEqual([]);
  expect(Array.from(fromThread!)).toEqual(Array.from(own!));
  // Another text, the same text as a document or with others: the wrapped embedder's.
  await wrapped.embed(["another query"], "query", { oneShot: true });
  await wrapped.embed([TEXT], "document");
  await wrapped.embed([TEXT, "another"], "query", { oneShot: true });
  expect(calls.map((c) => [c.texts.length, c.kind])).toEqual([
    [1, "query"],
    [1, "document"],
    [2, "query"],
  ]);
  await wrapped.dispose();
});

test("a thread that cannot embed (a model not installed) leaves the query to this thread", async () => {
  const { embedder, calls } = counted();
  const wrapped = withQueryAhead(embedder, QueryAhead.start(dataDir, "no-such-model", TEXT));
  const [v] = await wrapped.embed([TEXT], "query", { oneShot: true });
  const [own] = await local.embed([TEXT], "query", { oneShot: true });
  expect(calls.length).toBe(1);
  expect(Array.from(v!)).toEqual(Array.from(own!));
  await wrapped.dispose();
});

test("no thread for a model that is not the built-in one (it would load its runtime twice)", () => {
  expect(startQueryAhead(dataDir, "no-such-model", TEXT)).toBeUndefined();
});
