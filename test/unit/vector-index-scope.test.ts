/**
 * @module A search of the in-memory vector index in a scope (some projects, with or without the global
 * memories) ranks exactly the rows of that scope, as ranking every row and dropping the others would, through
 * the int8 kernel and in JS alike; a memory moved to another project, a project first seen after an earlier
 * search of the same scope, deletes and near-identical vectors (the kernel widening its list) included.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openTopKKernel } from "../../src/embed/vector-topk.ts";
import type { TopKInput, TopKKernel } from "../../src/embed/vector-kernel.ts";
import { VectorIndex } from "../../src/retrieve/vector-index.ts";
import type { ProjectScope } from "../../src/store/filter-sql.ts";
import type { StoredVector, VectorStore } from "../../src/store/vector-store.ts";
import { MapVectors } from "../helpers/map-vectors.ts";

let ort: TopKKernel;
beforeAll(async () => {
  ort = await openTopKKernel();
});
afterAll(() => ort?.dispose());

/** MapVectors whose reads carry each memory's project; a move is logged, as the memories trigger does. */
class ProjectVectors extends MapVectors {
  readonly projects = new Map<number, string | null>();

  placed(seq: number, vector: Float32Array, project: string | null): void {
    this.projects.set(seq, project);
    this.put(seq, vector);
  }

  move(seq: number, project: string | null): void {
    this.projects.set(seq, project);
    this.put(seq, this.vectorOf(seq));
  }

  inScope(seq: number, scope: ProjectScope): boolean {
    const p = this.projects.get(seq) ?? null;
    return p === null ? scope.global : scope.projects === null || scope.projects.includes(p);
  }

  override read(): StoredVector[] {
    return super.read().map((v) => ({ ...v, project: this.projects.get(v.seq) ?? null }));
  }

  override readSeqs(model: string, dims: number, seqs: readonly number[]): StoredVector[] {
    return super.readSeqs(model, dims, seqs).map((v) => ({ ...v, project: this.projects.get(v.seq) ?? null }));
  }
}

const DIMS = 64;
let state = 777;
const rand = () => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
function randomUnit(): Float32Array {
  const v = Float32Array.from({ length: DIMS }, () => rand() - 0.5 + (rand() < 0.3 ? 0.2 : 0));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const SCOPES: ProjectScope[] = [
  { projects: ["p2"], global: true },
  { projects: ["p1", "p5"], global: false },
  { projects: ["p7"], global: true }, // p7 has no memory until later
  { projects: [], global: true },
  { projects: null, global: false },
];

function countingKernel(): TopKKernel & { calls: number } {
  const c = { calls: 0, top: (input: TopKInput) => (c.calls++, ort.top(input)), dispose: async () => {} };
  return c;
}

/** The index's ranking in `scope` equals ranking every row exactly and keeping those in scope. */
async function expectScoped(index: VectorIndex, store: ProjectVectors, kernel: TopKKernel | undefined, query: Float32Array, want: number, scope: ProjectScope) {
  const got = await index.rank(query, want, kernel, scope);
  const all = new VectorIndex("m", DIMS);
  all.sync(store as unknown as VectorStore);
  const everything = await all.rank(query, store.size);
  const expected = everything.rows.map((r, i) => ({ seq: everything.seqs[r]!, score: everything.scores[i]! })).filter((e) => store.inScope(e.seq, scope));
  const seqs = got.rows.map((r) => got.seqs[r]!);
  expect(seqs.length).toBeGreaterThanOrEqual(Math.min(want, expected.length));
  expect(seqs).toEqual(expected.slice(0, seqs.length).map((e) => e.seq));
  expect(got.scores).toEqual(expected.slice(0, seqs.length).map((e) => e.score));
  expect(got.complete).toBe(seqs.length === expected.length);
}

describe("vector index searched in a scope", () => {
  test("ranks exactly that scope's rows, through the kernel and in JS, across moves, deletes and a new project", async () => {
    const store = new ProjectVectors();
    const projects = [null, "p1", "p2", "p3", "p4", "p5", "p6"];
    for (let s = 1; s <= 3000; s++) store.placed(s, randomUnit(), projects[s % projects.length]!);
    const index = new VectorIndex("m", DIMS);
    const asStore = store as unknown as VectorStore;
    index.sync(asStore);
    const kernel = countingKernel();
    const check = async () => {
      for (const scope of SCOPES) {
        const query = rand() < 0.5 ? store.vectorOf(1 + Math.floor(rand() * 3000)) : randomUnit();
        for (const want of [5, 60, 700]) {
          await expectScoped(index, store, kernel, query, want, scope);
          await expectScoped(index, store, undefined, query, want, scope);
        }
      }
    };
    await check();
    // Moves between projects, into and out of the global scope, and deletes: the log names each.
    for (let s = 3; s <= 3000; s += 13) store.move(s, projects[(s >> 2) % projects.length]!);
    for (let s = 5; s <= 3000; s += 29) store.delete(s);
    index.sync(asStore);
    await check();
    // A project first met after its scope was searched (the index's codes grow): its rows are kept.
    for (let s = 3001; s <= 3300; s++) store.placed(s, randomUnit(), "p7");
    for (let s = 7; s <= 3000; s += 31) if (store.rows.has(s)) store.move(s, "p7");
    index.sync(asStore);
    await check();
    expect(kernel.calls).toBeGreaterThan(20);
  });

  test("near-identical vectors make the kernel widen its list; the scope's ranking stays exact", async () => {
    const store = new ProjectVectors();
    const base = randomUnit();
    // Tiny perturbations of one vector: the int8 bound certifies few rows per round.
    for (let s = 1; s <= 4000; s++) {
      const v = base.map((x) => x + (rand() - 0.5) * 0.004);
      const n = Math.hypot(...v);
      store.placed(s, v.map((x) => x / n), s % 8 === 0 ? null : `p${s % 8}`);
    }
    const index = new VectorIndex("m", DIMS);
    index.sync(store as unknown as VectorStore);
    const kernel = countingKernel();
    await expectScoped(index, store, kernel, base, 120, { projects: ["p3"], global: true });
    await expectScoped(index, store, kernel, randomUnit(), 300, { projects: ["p1", "p2"], global: false });
    expect(kernel.calls).toBeGreaterThan(2);
  });
});
