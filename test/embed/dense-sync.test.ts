/**
 * @module A long-lived dense channel follows every kind of write — its own or another connection's (another
 * process) — without reloading its vectors: after edits, forgets, restores, purges, remembers and another
 * process embedding, each search answers exactly as a channel that loads everything afresh (same memories,
 * order, scores and weak marks), with the int8 kernel on and exact duplicates tying.
 */
import { afterAll, afterEach, beforeAll, expect, spyOn, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MemoryFilter } from "../../src/domain/memory.ts";
import { openTopKKernel } from "../../src/embed/vector-topk.ts";
import { embedPending } from "../../src/retrieve/embed-pending.ts";
import { Engine } from "../../src/engine/engine.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import type { TopKKernel } from "../../src/embed/vector-kernel.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { SqliteVectors } from "../../src/store/vectors.ts";
import { WordHashEmbedder } from "../helpers/fake-embedder.ts";
import { rng } from "../helpers/rng.ts";

let ort: TopKKernel;
beforeAll(async () => {
  ort = await openTopKKernel();
});
afterAll(() => ort?.dispose());
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const WORDS = "cache deploy index vector query token branch merge build test schema lock".split(" ");
const FILTERS: MemoryFilter[] = [
  { scope: { projects: ["/p"], includeGlobal: true } },
  { scope: { projects: ["/p", "/q"], includeGlobal: true }, statuses: ["active", "archived"] },
];

/** Two connections to one file: `self` searches through the long-lived channel, `other` is another process. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), "cairn-dense-sync-"));
  dirs.push(dir);
  const file = join(dir, "cairn.db");
  const embedder = new WordHashEmbedder("words", 24);
  const store = new SqliteStore(file);
  const otherStore = new SqliteStore(file);
  const channel = new DenseChannel({ store, open: async () => embedder, kernel: async () => ort, kernelFrom: 0, catchUpLimit: 10_000 });
  const self = new Engine({ store, project: "/p", actor: "self" });
  const other = new Engine({ store: otherStore, project: "/p", actor: "other" });
  const reads = spyOn(SqliteVectors.prototype, "read");
  /** Searches `channel` and a freshly loaded one on the same file; both must agree exactly. */
  const expectFresh = async (text: string) => {
    for (const filter of FILTERS) {
      for (const limit of [3, 40]) {
        const before = reads.mock.calls.length;
        const got = await channel.search({ text, filter, now: Date.now(), limit });
        longReloads += reads.mock.calls.length - before;
        const fresh = new DenseChannel({ store, open: async () => embedder, kernel: null, catchUpLimit: 10_000 });
        const want = await fresh.search({ text, filter, now: Date.now(), limit });
        const shape = (hits: typeof got) => hits.map((h) => `${h.memory.id} ${h.memory.status} ${h.score}${h.weak ? " weak" : ""}`);
        expect(shape(got)).toEqual(shape(want));
      }
    }
  };
  let longReloads = 0;
  const close = () => {
    reads.mockRestore();
    other.close();
    self.close();
  };
  return { store, otherStore, embedder, self, other, expectFresh, reloads: () => longReloads, close };
}

const ids = (store: SqliteStore, status: string) =>
  (store.database.query("SELECT id FROM memories WHERE status = ? ORDER BY seq").all(status) as Array<{ id: string }>).map((r) => r.id);

test("after each kind of write by another connection, the next search equals a fresh channel's, without a reload", async () => {
  const t = setup();
  for (let i = 0; i < 300; i++) {
    const content = `${WORDS[i % 12]} ${WORDS[(i * 5) % 12]} ${WORDS[(i * 7) % 11]} ${i % 40}`;
    // The same text in the project and in the global scope: equal vectors, equal scores, ties by seq.
    t.self.remember({ content, project: i % 3 === 0 ? null : "/p" });
  }
  await t.expectFresh("deploy cache 7"); // loads, then opens the kernel and builds the int8 copy
  const first = t.reloads();
  const [a, b, c] = ids(t.store, "active");
  const writes: Array<[string, () => unknown]> = [
    ["update content", () => t.other.update(a!, { content: "deploy cache 7 rewritten" })],
    ["update tags", () => t.other.update(b!, { tags: ["x"] })],
    ["forget", () => t.other.forget(b!)],
    ["restore", () => t.other.restore(b!)],
    ["forget --hard", () => t.other.forget(c!, { hard: true })],
    ["remember", () => t.other.remember({ content: "schema lock deploy 7" })],
    ["remember, embedded by the other process", async () => {
      t.other.remember({ content: "merge build cache 7" });
      await embedPending(t.otherStore, t.embedder);
    }],
    ["edit of the newest vector (its rowid is taken again)", () => t.self.update(ids(t.store, "active").at(-1)!, { content: "query token 7" })],
  ];
  for (const [label, write] of writes) {
    await write();
    for (const q of ["deploy cache 7", "schema lock", "query token merge 7"]) await t.expectFresh(q).catch((e) => Promise.reject(new Error(`${label}: ${e}`)));
  }
  expect(t.reloads()).toBe(first);
  t.close();
});

test("many mixed writes from both connections in random order keep every search equal to a fresh channel's", async () => {
  const t = setup();
  const rand = rng(77);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const text = () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(WORDS)).join(" ");
  for (let i = 0; i < 120; i++) t.self.remember({ content: `${text()} ${i % 9}`, project: pick(["/p", null, "/q"]) });
  await t.expectFresh(text());
  const first = t.reloads();
  let writes = 0;
  for (let step = 0; step < 80; step++) {
    const burst = 1 + Math.floor(rand() * 3);
    for (let w = 0; w < burst; w++) {
      const engine = rand() < 0.5 ? t.self : t.other;
      const active = ids(t.store, "active");
      const archived = ids(t.store, "archived");
      const r = rand();
      try {
        if (r < 0.2) engine.remember({ content: `${text()} ${step}`, project: pick(["/p", null, "/q"]) });
        else if (r < 0.4) engine.update(pick(active), { content: `${text()} ${step % 9}` });
        else if (r < 0.5) engine.update(pick(active), { tags: [pick(WORDS)] });
        else if (r < 0.62) engine.forget(pick(active));
        else if (r < 0.72 && archived.length > 0) engine.restore(pick(archived));
        else if (r < 0.84) engine.forget(pick([...active, ...archived]), { hard: true });
        else await embedPending(t.otherStore, t.embedder, { max: 1 + Math.floor(rand() * 3) });
        writes++;
      } catch (err) {
        // A duplicate text or an unchanged patch is refused; nothing was written.
        if (!/duplicate|NOTHING|already/i.test(String(err))) throw err;
      }
    }
    await t.expectFresh(text());
  }
  expect(writes).toBeGreaterThan(120);
  expect(t.reloads()).toBe(first);
  t.close();
});
