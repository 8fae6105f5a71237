/**
 * @module The dense channel and embedding pipeline over real SQLite files: vectors are kept per model and
 * width and never compared across them; switching models re-embeds; another connection's writes are seen;
 * a model that cannot load degrades recall to keyword with a warning.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { embedPending } from "../../src/retrieve/embed-pending.ts";
import { cairnError } from "../../src/errors.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { WordHashEmbedder } from "../helpers/fake-embedder.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(embedder = new WordHashEmbedder()) {
  const dir = mkdtempSync(join(tmpdir(), "cairn-dense-"));
  dirs.push(dir);
  const file = join(dir, "cairn.db");
  const store = new SqliteStore(file);
  const dense = new DenseChannel({ store, open: async () => embedder });
  const engine = new Engine({ store, project: "/p", actor: "test", channels: { dense } });
  return { file, store, dense, engine, embedder };
}

describe("dense channel", () => {
  test("semantic recall finds memories by vector, embedding pending ones first", async () => {
    const { engine, store, embedder } = setup();
    engine.remember({ content: "alpha beta gamma" });
    engine.remember({ content: "delta epsilon" });
    expect(store.vectors.pendingCount(embedder.model)).toBe(2);
    const r = await engine.recall({ query: "epsilon delta", mode: "semantic" });
    expect(r.results[0]!.memory.content).toBe("delta epsilon");
    expect(r.warnings).toEqual([]);
    expect(store.vectors.pendingCount(embedder.model)).toBe(0);
    engine.close();
  });

  test("a backlog over the catch-up limit is left to the background and reported exactly; a small one is embedded first", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-dense-"));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, "cairn.db"));
    const embedder = new WordHashEmbedder();
    const backlogs: number[] = [];
    const dense = new DenseChannel({ store, open: async () => embedder, catchUpLimit: 5, onBacklog: (n) => backlogs.push(n) });
    const engine = new Engine({ store, project: "/p", actor: "test", channels: { dense } });
    for (let i = 0; i < 8; i++) engine.remember({ content: `note ${i} about otters and rivers` });
    const first = await engine.recall({ query: "otters rivers", mode: "hybrid" });
    // Nothing was embedded on the query path: all 8 are reported, keyword still finds them.
    expect(first.unembedded).toBe(8);
    expect(backlogs).toEqual([8]);
    expect(store.vectors.pendingCount(embedder.model)).toBe(8);
    expect(first.results.length).toBeGreaterThan(0);
    // The background (here: this test) embeds all but 3; those fit the limit and the next search embeds them.
    await embedPending(store, embedder, { max: 5 });
    const second = await engine.recall({ query: "otters rivers", mode: "hybrid" });
    expect(second.unembedded).toBeUndefined();
    expect(backlogs).toEqual([8]);
    expect(store.vectors.pendingCount(embedder.model)).toBe(0);
    engine.close();
  });

  test("vectors of other models or widths are never compared", async () => {
    const { engine, store } = setup(new WordHashEmbedder("m1", 64));
    const a = engine.remember({ content: "shared words here" }).memory;
    engine.remember({ content: "other text entirely" });
    // Vectors under another model id, and a wrong-width vector under the active id, must be ignored.
    const seqOf = (id: string) => (store.database.query("SELECT seq FROM memories WHERE id = ?").get(id) as { seq: number }).seq;
    store.vectors.put("m2", 8, [{ seq: seqOf(a.id), contentHash: a.contentHash, vector: new Float32Array(8).fill(0.35) }], 1);
    await engine.recall({ query: "shared", mode: "semantic" });
    store.database.query("UPDATE vectors SET dims = 32, vector = zeroblob(128) WHERE model = 'm1' AND memory_seq = ?").run(seqOf(a.id));
    const r = await engine.recall({ query: "shared words here", mode: "semantic" });
    expect(r.results.map((h) => h.memory.id)).not.toContain(a.id);
    expect(store.vectors.models().map((m) => `${m.model}:${m.dims}`).sort()).toEqual(["m1:32", "m1:64", "m2:8"]);
    engine.close();
  });

  test("switching models embeds everything again under the new id; the old vectors stay apart", async () => {
    const { store } = setup();
    const engine = new Engine({ store, project: "/p", actor: "test" });
    for (let i = 0; i < 150; i++) engine.remember({ content: `note number ${i} about topic ${i % 7}` });
    const first = new WordHashEmbedder("first", 64);
    expect((await embedPending(store, first, { batch: 40 })).embedded).toBe(150);
    const second = new WordHashEmbedder("second", 16);
    const progress: number[] = [];
    const r = await embedPending(store, second, { batch: 40, onProgress: (p) => progress.push(p.done) });
    expect(r).toEqual({ embedded: 150, remaining: 0 });
    expect(progress).toEqual([40, 80, 120, 150]);
    expect(store.vectors.models()).toEqual([
      { model: "first", dims: 64, count: 150 },
      { model: "second", dims: 16, count: 150 },
    ]);
    engine.close();
  });

  test("edited content loses its vector and gets a new one", async () => {
    const { engine, store, embedder } = setup();
    const m = engine.remember({ content: "original words" }).memory;
    await engine.recall({ query: "original", mode: "semantic" });
    engine.update(m.id, { content: "replacement phrase" });
    expect(store.vectors.pendingCount(embedder.model)).toBe(1);
    const r = await engine.recall({ query: "replacement phrase", mode: "semantic" });
    expect(r.results[0]!.score).toBeGreaterThan(0.99);
    engine.close();
  });

  test("sees another connection's writes (another process) before answering", async () => {
    const { engine, file, embedder } = setup();
    engine.remember({ content: "first memory about cats" });
    expect((await engine.recall({ query: "cats", mode: "semantic" })).results).toHaveLength(1);
    const other = new SqliteStore(file);
    const otherEngine = new Engine({ store: other, project: "/p", actor: "other" });
    const added = otherEngine.remember({ content: "second memory about dogs" }).memory;
    await embedPending(other, embedder);
    const r = await engine.recall({ query: "dogs", mode: "semantic" });
    expect(r.results[0]!.memory.id).toBe(added.id);
    otherEngine.forget(added.id, { hard: true });
    const after = await engine.recall({ query: "dogs", mode: "semantic" });
    expect(after.results.map((h) => h.memory.id)).not.toContain(added.id);
    other.close();
    engine.close();
  });

  test("respects filters: scope, type, status", async () => {
    const { engine } = setup();
    const a = engine.remember({ content: "deploy on friday", type: "decision" }).memory;
    engine.remember({ content: "deploy on friday evening", type: "note", project: "/elsewhere" });
    const b = engine.remember({ content: "deploy friday lesson", type: "lesson" }).memory;
    engine.forget(b.id);
    const r = await engine.recall({ query: "deploy friday", mode: "semantic" });
    expect(r.results.map((h) => h.memory.id)).toEqual([a.id]);
    engine.close();
  });

  test("a model that cannot load: recall warns and runs keyword-only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-dense-"));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, "cairn.db"));
    const dense = new DenseChannel({ store, open: async () => Promise.reject(cairnError("MODEL_UNAVAILABLE", ["broken", "its onnx file is corrupt"])) });
    const engine = new Engine({ store, project: "/p", actor: "test", channels: { dense } });
    engine.remember({ content: "keyword still works" });
    for (const mode of ["hybrid", "semantic"] as const) {
      const r = await engine.recall({ query: "keyword", mode });
      expect(r.results).toHaveLength(1);
      expect(r.channels).toEqual(["keyword"]);
      expect(r.warnings.join(" ")).toMatch(/Model "broken" is unavailable.*keyword-only/);
    }
    engine.close();
  });

  test("no vector of the configured model and a backlog over the limit (or none): the search skips without loading the model", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-dense-"));
    dirs.push(dir);
    const store = new SqliteStore(join(dir, "cairn.db"));
    const embedder = new WordHashEmbedder();
    let opened = 0;
    const backlogs: number[] = [];
    const open = async () => {
      opened++;
      return embedder;
    };
    const dense = new DenseChannel({ store, open, model: embedder.model, catchUpLimit: 5, onBacklog: (n) => backlogs.push(n) });
    const engine = new Engine({ store, project: "/p", actor: "test", channels: { dense } });
    // An empty store: nothing to find, nothing loaded.
    expect((await engine.recall({ query: "otters", mode: "hybrid" })).results).toEqual([]);
    expect(opened).toBe(0);
    for (let i = 0; i < 8; i++) engine.remember({ content: `note ${i} about otters and rivers` });
    const first = await engine.recall({ query: "otters rivers", mode: "hybrid" });
    expect(opened).toBe(0);
    expect(first.unembedded).toBe(8);
    expect(backlogs).toEqual([8]);
    expect(first.results.length).toBeGreaterThan(0); // keyword answers
    // Once a vector of the model exists, the channel loads the model and searches as before.
    await embedPending(store, embedder, { max: 4 });
    const second = await engine.recall({ query: "otters rivers", mode: "hybrid" });
    expect(opened).toBe(1);
    // The 4 left fit the catch-up limit: embedded before that search.
    expect(second.unembedded ?? 0).toBe(0);
    expect(store.vectors.pendingCount(embedder.model)).toBe(0);
    // A small backlog with no vector yet is embedded first, so it is not skipped either.
    const dir2 = mkdtempSync(join(tmpdir(), "cairn-dense-"));
    dirs.push(dir2);
    const store2 = new SqliteStore(join(dir2, "cairn.db"));
    const dense2 = new DenseChannel({ store: store2, open, model: embedder.model, catchUpLimit: 5 });
    const engine2 = new Engine({ store: store2, project: "/p", actor: "test", channels: { dense: dense2 } });
    engine2.remember({ content: "delta epsilon" });
    const small = await engine2.recall({ query: "epsilon delta", mode: "semantic" });
    expect(opened).toBe(2);
    expect(small.results[0]!.memory.content).toBe("delta epsilon");
    engine.close();
    engine2.close();
  });
});
