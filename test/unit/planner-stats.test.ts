/**
 * @module Recall's statements keep their plans on a large store: id lookups seek the id index whatever the
 * planner knows, an import and the idle pass measure tables for the planner, and measuring is skipped, not
 * waited out, when another process writes.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { idleWork } from "../../src/engine/idle-sweep.ts";
import { filterToSql, rowsByIdSql } from "../../src/store/filter-sql.ts";
import { SESSION_NEIGHBOURS_SQL } from "../../src/store/neighbours.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { withoutMap } from "../../src/store/planner-stats.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function freshPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "cairn-plan-"));
  dirs.push(dir);
  return join(dir, "cairn.db");
}

/** JSONL of `n` memories over two projects, a third of them in sessions a day apart. */
function lines(n: number): string {
  const day = 86_400_000;
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      content: `note ${i} about subject ${i % 17} and topic ${i % 29}`,
      project: i % 2 === 0 ? "alpha" : "beta",
      ...(i % 3 === 0 ? { session_id: `s${i % 40}` } : {}),
      created_at: new Date(Date.UTC(2025, 0, 1) + (i % 300) * day).toISOString(),
    }),
  ).join("\n");
}

const plan = (store: SqliteStore, sql: string, ...params: unknown[]) =>
  (store.database.query(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as never[])) as Array<{ detail: string }>).map((r) => r.detail).join(" | ");

/** What the planner knows of the memories table's indexes (sqlite_stat1 exists once anything was measured). */
function statRows(store: SqliteStore): Array<{ idx: string }> {
  const exists = store.database.query("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get();
  return exists ? (store.database.query("SELECT idx FROM sqlite_stat1 WHERE tbl = 'memories'").all() as Array<{ idx: string }>) : [];
}

test("memories looked up by id seek the id index, with or without the planner's statistics", () => {
  const store = new SqliteStore(freshPath());
  const where = filterToSql({ scope: { projects: ["alpha"], includeGlobal: true } }, Date.now(), store.codec);
  for (const measured of [false, true]) {
    if (measured) store.database.run("ANALYZE");
    const byId = plan(store, rowsByIdSql(where), "[]", ...where.params);
    expect(byId).toContain("sqlite_autoindex_memories_1 (id=?)");
    expect(byId).not.toContain("memories_scope");
    const neighbours = plan(store, SESSION_NEIGHBOURS_SQL, "[]");
    expect(neighbours).toMatch(/SEARCH m USING INDEX sqlite_autoindex_memories_1 \(id=\?\)/);
  }
  store.close();
});

test("getMany and session neighbours return each listed memory once, even when listed twice", async () => {
  const store = new SqliteStore(freshPath());
  const engine = new Engine({ store, project: "alpha" });
  await engine.import(lines(12));
  const inAlpha = engine.list({ limit: 10 }).memories.map((m) => m.id);
  const filter = { scope: { projects: ["alpha"], includeGlobal: true } };
  const got = store.getMany([...inAlpha, ...inAlpha, "no-such-id"], filter, Date.now());
  expect(got.map((m) => m.id).sort()).toEqual([...inAlpha].sort());
  const withSession = engine.list({ limit: 10 }).memories.filter((m) => m.sessionId !== null).map((m) => m.id);
  expect(withSession.length).toBeGreaterThan(0);
  expect([...store.sessionNeighbours([...withSession, ...withSession]).keys()].sort()).toEqual([...withSession].sort());
  engine.close();
});

test("an import measures the memories table for the planner, whole; a time window is then read through memories_time", async () => {
  const store = new SqliteStore(freshPath());
  const engine = new Engine({ store, project: "alpha" });
  expect(statRows(store)).toEqual([]);
  await engine.import(lines(1200));
  const measured = statRows(store).map((r) => r.idx);
  expect(measured).toEqual(expect.arrayContaining(["memories_scope", "memories_time", "sqlite_autoindex_memories_1"]));
  // Memories per project (600 in each of two), not a sample's size: a 400-row sample says 401.
  const scope = store.database.query("SELECT stat FROM sqlite_stat1 WHERE idx = 'memories_scope'").get() as { stat: string };
  expect(scope.stat.split(" ").map(Number).slice(0, 2)).toEqual([1200, 600]);
  const day = 86_400_000;
  const since = Date.UTC(2025, 2, 1);
  const where = filterToSql({ scope: { projects: ["alpha"], includeGlobal: true }, since, until: since + 2 * day }, Date.now(), store.codec);
  const window = plan(store, `SELECT m.seq FROM memories m WHERE ${where.sql} ORDER BY coalesce(m.event_time, m.created_at) DESC, m.seq DESC LIMIT 50`, ...where.params);
  expect(window).toContain("memories_time");
  engine.close();
});

test("the idle pass measures a store that grew through single writes", () => {
  const store = new SqliteStore(freshPath());
  const engine = new Engine({ store, project: "alpha" });
  for (let i = 0; i < 40; i++) engine.remember({ content: `remembered fact number ${i} about deploys` });
  expect(statRows(store)).toEqual([]);
  idleWork(engine);
  expect(statRows(store).length).toBeGreaterThan(0);
  engine.close();
});

test("measuring is skipped, not waited out, while another connection writes; the lock wait is restored", () => {
  const path = freshPath();
  const store = new SqliteStore(path);
  new Engine({ store, project: "alpha" }).remember({ content: "one memory so the tables exist" });
  const other = new SqliteStore(path);
  other.database.run("BEGIN IMMEDIATE");
  try {
    const started = performance.now();
    expect(store.refreshPlannerStats()).toBe(false);
    // Far below the 10 s every other write waits for a lock.
    expect(performance.now() - started).toBeLessThan(5_000);
  } finally {
    other.database.run("ROLLBACK");
  }
  expect((store.database.query("PRAGMA busy_timeout").get() as { timeout: number }).timeout).toBe(10_000);
  expect(statRows(store)).toEqual([]);
  expect(store.refreshPlannerStats()).toBe(true);
  expect(statRows(store).length).toBeGreaterThan(0);
  other.close();
  store.close();
});

test("measuring reads the file unmapped (its pages stay out of the process), then maps it as before", async () => {
  const store = new SqliteStore(freshPath());
  const engine = new Engine({ store, project: "alpha" });
  const db = store.database;
  const mapped = () => (db.query("PRAGMA mmap_size").get() as { mmap_size: number }).mmap_size;
  const before = mapped();
  expect(before).toBeGreaterThan(0);
  expect(withoutMap(db, () => mapped())).toBe(0);
  expect(mapped()).toBe(before);
  expect(() => withoutMap(db, () => {
    throw new Error("failed inside");
  })).toThrow("failed inside");
  expect(mapped()).toBe(before);
  // The statements the import's measuring runs: the map is dropped around ANALYZE and put back.
  const ran: string[] = [];
  const run = db.run.bind(db);
  db.run = ((sql: string, ...rest: never[]) => {
    ran.push(sql);
    return run(sql, ...rest);
  }) as typeof db.run;
  await engine.import(lines(300));
  const at = (sql: string) => ran.findIndex((s) => s.startsWith(sql));
  expect(at("PRAGMA mmap_size = 0")).toBeGreaterThanOrEqual(0);
  expect(at("PRAGMA mmap_size = 0")).toBeLessThan(at("PRAGMA optimize"));
  expect(ran.findIndex((s, i) => i > at("PRAGMA optimize") && s === `PRAGMA mmap_size = ${before}`)).toBeGreaterThan(0);
  expect(statRows(store).length).toBeGreaterThan(0);
  expect(mapped()).toBe(before);
  engine.close();
});

test("the briefing's sections and due reminders seek one type of one scope, measured or not (not every memory before now)", async () => {
  const store = new SqliteStore(freshPath());
  const engine = new Engine({ store, project: "alpha" });
  await engine.import(lines(1200));
  const now = Date.UTC(2026, 0, 1);
  for (const measured of [true, false]) {
    if (!measured) store.database.run("DELETE FROM sqlite_stat1");
    const newest = filterToSql({ scope: { projects: ["alpha"], includeGlobal: false }, types: ["decision"] }, now, store.codec);
    expect(plan(store, `SELECT m.seq FROM memories m WHERE ${newest.sql} ORDER BY m.created_at DESC, m.seq DESC LIMIT 8`, ...newest.params)).toContain("memories_scope_type");
    const due = filterToSql({ scope: { projects: ["alpha"], includeGlobal: true }, types: ["reminder"] }, now, store.codec);
    // As remind.ts reads them: by type, sorted by the time they are due, the time checked after.
    const dueSql = `SELECT m.seq FROM memories m WHERE ${due.sql} ORDER BY coalesce(m.event_time, m.created_at) ASC, m.seq ASC LIMIT 10000`;
    expect([measured, plan(store, dueSql, ...due.params)]).toEqual([measured, expect.stringMatching(/SEARCH m USING INDEX memories_(scope_)?type /)]);
  }
  engine.close();
});
