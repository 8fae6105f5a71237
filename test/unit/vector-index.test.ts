/**
 * @module The vector index stays exact across writes when ranking through the int8 kernel: appended,
 * replaced and deleted vectors are read from the change log on the next sync and applied in place (a log it
 * cannot follow reloads everything) (the int8 copy is built once, rebuilt only when a large share
 * changed), ranking like a freshly loaded index with ties by seq; and the dense channel answers exactly
 * as it does with JS scoring while memories are remembered, edited and forgotten between searches.
 */
import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { openTopKKernel } from "../../src/embed/vector-topk.ts";
import { Engine } from "../../src/engine/engine.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import type { TopKInput, TopKKernel } from "../../src/embed/vector-kernel.ts";
import { VectorIndex } from "../../src/retrieve/vector-index.ts";
import { Int8Columns } from "../../src/retrieve/vector-quant.ts";
import type { VectorStore } from "../../src/store/vector-store.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { WordHashEmbedder } from "../helpers/fake-embedder.ts";
import { MapVectors } from "../helpers/map-vectors.ts";

let ort: TopKKernel;
beforeAll(async () => {
  ort = await openTopKKernel();
});
afterAll(() => ort?.dispose());

function counting(kernel: TopKKernel): TopKKernel & { calls: number } {
  const c = { calls: 0, top: (input: TopKInput) => (c.calls++, kernel.top(input)), dispose: async () => {} };
  return c;
}

const DIMS = 96;
let seed = 12345;
function randomUnit(): Float32Array {
  const v = Float32Array.from({ length: DIMS }, () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5 + (seed % 3 === 0 ? 0.3 : 0); // a little skew, as real embeddings have
  });
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** Ranks `query` on `index` through `kernel` and on a freshly loaded index exactly; both must agree. */
async function expectExact(index: VectorIndex, store: MapVectors, kernel: TopKKernel, query: Float32Array, want: number) {
  const fast = await index.rank(query, want, kernel);
  const fresh = new VectorIndex("m", DIMS);
  fresh.sync(store as unknown as VectorStore);
  const exact = await fresh.rank(query, fast.rows.length);
  expect(fast.rows.length).toBeGreaterThanOrEqual(Math.min(want, store.size));
  expect(fast.rows.map((r) => fast.seqs[r])).toEqual(exact.rows.map((r) => exact.seqs[r]));
  expect(fast.scores).toEqual(exact.scores);
}

describe("vector index with the int8 kernel", () => {
  test("stays exact through appends (with growth), replacements and deletes; builds its int8 copy once", async () => {
    const store = new MapVectors();
    for (let s = 1; s <= 3000; s++) store.put(s, randomUnit());
    const index = new VectorIndex("m", DIMS);
    const asStore = store as unknown as VectorStore;
    index.sync(asStore);
    const kernel = counting(ort);
    const builds = spyOn(Int8Columns.prototype, "build");
    const queries = Array.from({ length: 8 }, randomUnit);
    const check = async () => {
      for (const q of queries) for (const want of [10, 200]) await expectExact(index, store, kernel, q, want);
    };
    await check();
    expect(builds).toHaveBeenCalledTimes(1);
    await check(); // nothing changed: no rebuild
    expect(builds).toHaveBeenCalledTimes(1);

    for (let s = 3001; s <= 3600; s++) store.put(s, randomUnit()); // past the int8 copy's capacity
    queries.push(store.vectorOf(3333));
    expect(index.sync(asStore)).toBe(true);
    await check();
    for (let s = 1; s <= 3600; s += 37) store.put(s, randomUnit()); // same seq, new vector, newer time
    expect(index.sync(asStore)).toBe(true);
    await check();
    expect(builds).toHaveBeenCalledTimes(1); // appends and replacements update it in place

    for (let s = 2; s <= 3600; s += 11) store.delete(s);
    expect(index.sync(asStore)).toBe(true);
    await check();
    expect(builds).toHaveBeenCalledTimes(1); // deletes move rows within it, too
    for (let s = 1; s <= 3600; s += 2) store.delete(s); // half of everything: a reload is cheaper
    expect(index.sync(asStore)).toBe(true);
    await check();
    expect(builds).toHaveBeenCalledTimes(2);
    expect(index.sync(asStore)).toBe(false);
    expect(kernel.calls).toBeGreaterThan(50);
    builds.mockRestore();
  });

  test("random writes in any order, synced at random moments, rank exactly like a freshly loaded index", async () => {
    let state = 2024;
    const rand = () => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const store = new MapVectors();
    // A small pool of vectors, so many rows are exact duplicates and tie: ties must go by seq, not by row.
    // Half are negated: their int8 rows sum below zero, so a freed column left with its bias would rank.
    const pool = Array.from({ length: 60 }, (_, i) => (i % 2 ? randomUnit() : randomUnit().map((x) => -x)));
    for (let s = 1; s <= 2400; s++) store.put(s, pick(pool));
    const index = new VectorIndex("m", DIMS);
    const asStore = store as unknown as VectorStore;
    index.sync(asStore);
    const builds = spyOn(Int8Columns.prototype, "build");
    let next = 2401;
    for (let step = 0; step < 160; step++) {
      store.tick = rand() < 0.5; // often several writes, and the sync, within one millisecond
      const writes = rand() < 0.05 ? 300 : 1 + Math.floor(rand() * 4);
      for (let w = 0; w < writes; w++) {
        const r = rand();
        const seqs = store.seqs();
        if (r < 0.25) store.put(next++, pick(pool)); // remember
        else if (r < 0.45) store.put(pick(seqs), pick(pool)); // re-embedded in place (INSERT OR REPLACE)
        else if (r < 0.65) store.delete(pick(seqs)); // purge, or an edit not yet re-embedded
        else {
          // An edit re-embedded: deleted, then written again under the same seq, often in the same millisecond.
          const seq = pick(seqs);
          store.delete(seq);
          store.put(seq, pick(pool));
        }
      }
      if (rand() < 0.3) continue; // more writes before the next search
      index.sync(asStore);
      expect(index.size).toBe(store.size);
      const query = rand() < 0.5 ? pick(pool) : randomUnit();
      await expectExact(index, store, ort, query, pick([1, 10, 100]));
    }
    expect(builds.mock.calls.length).toBeLessThanOrEqual(3); // only the 300-write steps may reload
    builds.mockRestore();
  });

  test("a log it cannot follow reloads everything: pruned past its place, another database, another history", async () => {
    const store = new MapVectors();
    for (let s = 1; s <= 500; s++) store.put(s, randomUnit());
    const index = new VectorIndex("m", DIMS);
    const asStore = store as unknown as VectorStore;
    const query = randomUnit();
    index.sync(asStore);
    // A few changes: read one by one, nothing else.
    store.readBack = 0;
    for (let s = 1; s <= 5; s++) store.put(s, randomUnit());
    expect(index.sync(asStore)).toBe(true);
    expect(store.readBack).toBe(5);
    await expectExact(index, store, ort, query, 20);
    expect(index.sync(asStore)).toBe(false);
    const reads = spyOn(store, "read");
    /** Syncs; whether the sync read everything again. */
    const reloaded = () => {
      const before = reads.mock.calls.length;
      expect(index.sync(asStore)).toBe(true);
      return reads.mock.calls.length > before;
    };
    // Pruned past the index's place: the entries it would need are gone.
    store.put(7, randomUnit());
    store.prune(store.logState().head + 1);
    store.put(8, randomUnit());
    expect(reloaded()).toBe(true);
    await expectExact(index, store, ort, query, 20);
    // Another database (epoch), then the same log position under another stamp (a copy written to since).
    store.epoch = 2;
    expect(reloaded()).toBe(true);
    const head = store.entries.at(-1)!;
    store.rows.get(head.seq)!.vector = randomUnit();
    head.stamp += 1;
    expect(reloaded()).toBe(true);
    await expectExact(index, store, ort, store.vectorOf(head.seq), 5);
    // And a change it can follow is applied without reading everything.
    store.put(9, randomUnit());
    expect(reloaded()).toBe(false);
    await expectExact(index, store, ort, store.vectorOf(9), 5);
    reads.mockRestore();
  });

  test("a sync while the kernel runs makes the ranking start over on the new rows", async () => {
    const store = new MapVectors();
    for (let s = 1; s <= 2000; s++) store.put(s, randomUnit());
    const index = new VectorIndex("m", DIMS);
    index.sync(store as unknown as VectorStore);
    const target = randomUnit();
    let once = true;
    const meddling: TopKKernel = {
      async top(input) {
        const out = await ort.top(input);
        if (once) {
          once = false;
          store.clear(); // another search reloads the index mid-ranking
          store.put(9999, target);
          index.sync(store as unknown as VectorStore);
        }
        return out;
      },
      dispose: async () => {},
    };
    const r = await index.rank(target, 1, meddling);
    expect(r.rows.map((i) => r.seqs[i])).toEqual([9999]);
  });
});

describe("dense channel with the kernel", () => {
  test("answers exactly like JS scoring while memories are added, edited and forgotten", async () => {
    const store = new SqliteStore(":memory:");
    const embedder = new WordHashEmbedder("words", 48);
    const kernel = counting(ort);
    // Both channels must see every vector: the default catch-up embeds 256 per search, leaving a partial view.
    const fast = new DenseChannel({ store, open: async () => embedder, kernel: async () => kernel, kernelFrom: 0, catchUpLimit: 10_000 });
    const slow = new DenseChannel({ store, open: async () => embedder, kernel: null, catchUpLimit: 10_000 });
    const a = new Engine({ store, project: "/p", actor: "t", channels: { dense: fast } });
    const b = new Engine({ store, project: "/p", actor: "t", channels: { dense: slow } });
    const words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma".split(" ");
    const text = (i: number) => Array.from({ length: 3 + (i % 5) }, (_, k) => words[(i * 7 + k * k * 3) % words.length]).join(" ");
    const ids: string[] = [];
    // Two in three memories belong to another project and one in twenty is a decision, so filters reject
    // most rows: the channel reads several chunks and asks the index for a deeper ranking.
    for (let i = 0; i < 400; i++) {
      const project = i % 3 === 0 ? undefined : "/elsewhere";
      ids.push(a.remember({ content: `${text(i)} note ${i}`, project, type: i % 20 === 0 ? "decision" : "note" }).memory.id);
    }
    const deeper = spyOn(VectorIndex.prototype, "rank");
    const same = async () => {
      let total = 0;
      for (const query of ["alpha beta", "sigma rho pi", "kappa", "theta iota delta zeta"]) {
        for (const [limit, types] of [[5, undefined], [60, undefined], [15, ["decision"]]] as Array<[number, string[] | undefined]>) {
          const x = await a.recall({ query, mode: "semantic", limit, track: false, types });
          const y = await b.recall({ query, mode: "semantic", limit, track: false, types });
          expect(x.warnings).toEqual([]);
          total += x.results.length;
          expect(x.results.map((h) => [h.memory.id, h.channels.dense?.score])).toEqual(y.results.map((h) => [h.memory.id, h.channels.dense?.score]));
        }
      }
      expect(total).toBeGreaterThan(200);
    };
    await same();
    for (let i = 0; i < 400; i += 9) a.update(ids[i]!, { content: `rewritten ${text(i + 1)} ${i}` });
    await same();
    for (let i = 1; i < 400; i += 13) a.forget(ids[i]!, { hard: i % 2 === 0 });
    for (let i = 0; i < 50; i++) a.remember({ content: `late ${text(i * 3)} ${i}` });
    await same();
    expect(kernel.calls).toBeGreaterThan(10);
    // Some searches ran out of ranked rows and asked again, deeper (want = 4 × the rows it had).
    expect(deeper.mock.calls.filter(([, want]) => want > 120).length).toBeGreaterThan(0);
    deeper.mockRestore();
    a.close();
  });

  test("a kernel that fails to open or to run costs speed only: the ranking falls back to JS", async () => {
    const store = new SqliteStore(":memory:");
    const embedder = new WordHashEmbedder("words", 32);
    const engine = new Engine({ store, project: "/p", actor: "t" });
    for (let i = 0; i < 120; i++) engine.remember({ content: `memo ${i} about ${["cats", "dogs", "birds"][i % 3]} ${i % 7}` });
    const broken: TopKKernel = { top: async () => Promise.reject(new Error("kernel crashed")), dispose: async () => {} };
    const channels = [
      new DenseChannel({ store, open: async () => embedder, kernel: null }),
      new DenseChannel({ store, open: async () => embedder, kernel: async () => broken, kernelFrom: 0 }),
      new DenseChannel({ store, open: async () => embedder, kernel: () => Promise.reject(new Error("no runtime")), kernelFrom: 0 }),
    ];
    const filter = { scope: { projects: ["/p"], includeGlobal: true } };
    const answers: string[][] = [];
    for (const channel of channels) {
      for (let i = 0; i < 3; i++) {
        const hits = await channel.search({ text: "dogs 3", filter, now: Date.now(), limit: 20 });
        if (i === 2) answers.push(hits.map((h) => `${h.memory.id}:${h.score}`));
      }
    }
    expect(answers[0]!.length).toBe(20);
    expect(answers[1]).toEqual(answers[0]!);
    expect(answers[2]).toEqual(answers[0]!);
    engine.close();
  });
});
