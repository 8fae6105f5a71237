/**
 * @module The vector index stays exact across writes when ranking through the int8 kernel: appended,
 * replaced and deleted vectors are seen on the next sync, the int8 copy is updated in place (built once,
 * rebuilt only on a full reload, never per query), and the dense channel answers exactly as it does
 * with JS scoring while memories are remembered, edited and forgotten between searches.
 */
import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { openTopKKernel } from "../../src/embed/vector-topk.ts";
import { Engine } from "../../src/engine/engine.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import type { TopKInput, TopKKernel } from "../../src/retrieve/vector-kernel.ts";
import { VectorIndex } from "../../src/retrieve/vector-index.ts";
import { Int8Columns } from "../../src/retrieve/vector-quant.ts";
import type { StoredVector, VectorState, VectorStore } from "../../src/store/vector-store.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { WordHashEmbedder } from "../helpers/fake-embedder.ts";

let ort: TopKKernel;
beforeAll(async () => {
  ort = await openTopKKernel();
});
afterAll(() => ort?.dispose());

function counting(kernel: TopKKernel): TopKKernel & { calls: number } {
  const c = { calls: 0, top: (input: TopKInput) => (c.calls++, kernel.top(input)), dispose: async () => {} };
  return c;
}

/** The two methods the index reads, over a plain map, with the database's fingerprint semantics. */
class MapVectors {
  readonly rows = new Map<number, { vector: Float32Array; createdAt: number }>();
  clock = 1;

  put(seq: number, vector: Float32Array): void {
    this.rows.set(seq, { vector, createdAt: this.clock++ });
  }

  state(): VectorState {
    let seqSum = 0;
    let createdSum = 0;
    let maxCreatedAt = 0;
    for (const [seq, r] of this.rows) {
      seqSum += seq;
      createdSum += r.createdAt;
      maxCreatedAt = Math.max(maxCreatedAt, r.createdAt);
    }
    return { count: this.rows.size, dimsSum: this.rows.size * DIMS, seqSum, createdSum, maxCreatedAt };
  }

  read(_model: string, _dims: number, since = 0): StoredVector[] {
    return [...this.rows].filter(([, r]) => r.createdAt >= since).map(([seq, r]) => ({ seq, vector: r.vector, createdAt: r.createdAt }));
  }
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
  expect(fast.rows.length).toBeGreaterThanOrEqual(Math.min(want, store.rows.size));
  expect(fast.rows.map((r) => fast.seqs[r])).toEqual(exact.rows.map((r) => exact.seqs[r]));
  expect(fast.scores).toEqual(exact.scores);
}

describe("vector index with the int8 kernel", () => {
  test("stays exact through appends (with growth), replacements and deletes; builds its int8 copy only on load", async () => {
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
    queries.push(store.rows.get(3333)!.vector);
    expect(index.sync(asStore)).toBe(true);
    await check();
    for (let s = 1; s <= 3600; s += 37) store.put(s, randomUnit()); // same seq, new vector, newer time
    expect(index.sync(asStore)).toBe(true);
    await check();
    expect(builds).toHaveBeenCalledTimes(1); // appends and replacements update it in place

    for (let s = 2; s <= 3600; s += 11) store.rows.delete(s);
    expect(index.sync(asStore)).toBe(true);
    await check();
    expect(builds).toHaveBeenCalledTimes(2); // a delete reloads everything, the int8 copy included
    expect(kernel.calls).toBeGreaterThan(50);
    builds.mockRestore();
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
          store.rows.clear(); // another search reloads the index mid-ranking
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
