/** @module Listing by scope one project at a time, and counting without the expired, give exactly what one plain query over the whole filter gives. */
import { expect, test } from "bun:test";
import type { MemoryFilter } from "../../src/domain/memory.ts";
import { buildMemory } from "../../src/engine/remember.ts";
import { filterToSql } from "../../src/store/filter-sql.ts";
import { countMatching, listMatching } from "../../src/store/list-sql.ts";
import { MEMORY_COLUMNS, type MemoryRow } from "../../src/store/rows.ts";
import type { ListOptions } from "../../src/store/store.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { PLAIN_CODEC as plainCodec } from "../../src/store/content-codec.ts";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const NOW = T0 + 1_000 * 60_000;
const PROJECTS = ["/work/a", "/work/b", "/work/c"];

/** 400 memories over three projects and the global scope, many created at the same instant, some expired, some archived, some held. */
function plantedStore(): SqliteStore {
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const store = new SqliteStore(":memory:");
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  for (let i = 0; i < 400; i++) {
    const project = rand() < 0.2 ? null : pick(PROJECTS);
    const createdAt = T0 + Math.floor(rand() * 200) * 60_000;
    const m = buildMemory({ project: "/work/a" }, { content: `memory ${i}`, type: pick(["fact", "decision", "task"]), project, tags: rand() < 0.1 ? ["legal"] : [] }, createdAt);
    const expiresAt = rand() < 0.3 ? createdAt + Math.floor(rand() * 2_000) * 60_000 : null;
    store.insert({ ...m, expiresAt, status: rand() < 0.15 ? "archived" : "active" });
  }
  store.database.run("INSERT INTO holds (id, kind, target, reason, created_at, actor) VALUES ('h1', 'tag', 'legal', 'case', 0, 'test')");
  store.database.run("INSERT INTO holds (id, kind, target, reason, created_at, actor) VALUES ('h2', 'project', '/work/c', 'case', 0, 'test')");
  return store;
}

/** The plain query: the whole filter in one WHERE, sorted as the options say. */
function reference(store: SqliteStore, filter: MemoryFilter, options: ListOptions): string[] {
  const where = filterToSql(filter, NOW, plainCodec);
  const dir = options.order === "oldest" ? "ASC" : "DESC";
  const rows = store.database
    .query(`SELECT ${MEMORY_COLUMNS} FROM memories m WHERE ${where.sql} ORDER BY m.created_at ${dir}, m.seq ${dir} LIMIT ? OFFSET ?`)
    .all(...where.params, options.limit, options.offset ?? 0) as MemoryRow[];
  return rows.map((r) => r.id);
}

const filters: Array<[string, MemoryFilter]> = [
  ["one project and global", { scope: { projects: ["/work/a"], includeGlobal: true } }],
  ["two projects", { scope: { projects: ["/work/a", "/work/c"], includeGlobal: false } }],
  ["global only", { scope: { projects: [], includeGlobal: true } }],
  ["nothing", { scope: { projects: [], includeGlobal: false } }],
  ["every project", { scope: { projects: null, includeGlobal: true } }],
  ["archived too, with a type", { scope: { projects: ["/work/b"], includeGlobal: true }, statuses: ["active", "archived"], types: ["task"] }],
  ["expired included", { scope: { projects: ["/work/c"], includeGlobal: true }, includeExpired: true }],
];

test("listing a scope one project at a time gives the plain query's page, in its order, ties and all", () => {
  const store = plantedStore();
  for (const [name, filter] of filters) {
    for (const options of [
      { limit: 20 },
      { limit: 7, offset: 30 },
      { limit: 500 },
      { limit: 15, order: "oldest" as const },
      { limit: 10, offset: 95, order: "oldest" as const },
    ]) {
      const got = listMatching(store.database, filter, NOW, plainCodec, options).map((r) => r.id);
      expect({ name, options, ids: got }).toEqual({ name, options, ids: reference(store, filter, options) });
    }
  }
  store.close();
});

test("the count leaves out exactly the expired memories no hold keeps visible", () => {
  const store = plantedStore();
  let counted = 0;
  for (const [name, filter] of filters) {
    const where = filterToSql(filter, NOW, plainCodec);
    const plain = (store.database.query(`SELECT count(*) AS n FROM memories m WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
    expect({ name, n: countMatching(store.database, filter, NOW, plainCodec) }).toEqual({ name, n: plain });
    counted += plain;
  }
  // The planted store has expired memories both held and not, so the subtraction is exercised.
  const expired = store.database.query("SELECT count(*) AS n FROM memories WHERE expires_at <= ?").get(NOW) as { n: number };
  expect(expired.n).toBeGreaterThan(20);
  expect(counted).toBeGreaterThan(0);
  store.close();
});

test("listAll walks every memory a filter passes in list's order, a page at a time; one deleted or changed to fail the filter mid-walk is left out", () => {
  const store = plantedStore();
  for (const [name, filter] of filters) {
    for (const order of ["oldest", "newest"] as const) {
      const want = reference(store, filter, { limit: 1_000, order });
      expect({ name, order, ids: [...store.listAll(filter, NOW, order, 7)].map((m) => m.id) }).toEqual({ name, order, ids: want });
    }
  }
  const filter = filters[0]![1];
  const want = reference(store, filter, { limit: 1_000, order: "oldest" });
  const walk = store.listAll(filter, NOW, "oldest", 5);
  const seen = [walk.next().value!.id];
  // Past the first page: one later memory deleted, another archived (the filter wants active ones only).
  store.database.run("DELETE FROM memories WHERE id = ?", [want[20]!]);
  store.database.run("UPDATE memories SET status = 'archived' WHERE id = ?", [want[30]!]);
  for (const m of walk) seen.push(m.id);
  expect(seen).toEqual(want.filter((id) => id !== want[20] && id !== want[30]));
  store.close();
});
