/**
 * @module Keyword search over many matches ranks them once: with a filter whose pass rate is not yet known, a
 * caller's count of matches past MANY_MATCHES starts the search wide instead of widening round by round (each
 * round ranks every match again). The hits are the same either way.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MemoryFilter } from "../../src/domain/memory.ts";
import { Engine } from "../../src/engine/engine.ts";
import { PLAIN_CODEC } from "../../src/store/content-codec.ts";
import { filterToSql } from "../../src/store/filter-sql.ts";
import { ftsSearch, MANY_MATCHES, type PassRate } from "../../src/store/fts.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { T0 } from "../helpers/engine.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A read connection whose ranking statements count how often they run. */
function counted(path: string): { db: Database; rounds: () => number } {
  const db = new Database(path, { readonly: true });
  let rounds = 0;
  const query = db.query.bind(db);
  db.query = ((sql: string) => {
    const stmt = query(sql);
    if (!sql.includes("ORDER BY rank")) return stmt;
    const all = stmt.all.bind(stmt);
    return Object.assign(stmt, { all: (...args: unknown[]) => (rounds++, all(...(args as []))) });
  }) as typeof db.query;
  return { db, rounds: () => rounds };
}

describe("ftsSearch rounds", () => {
  test("a filter passing a tenth of the matches: one round when the matches are many, the same hits", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-fts-rounds-"));
    dirs.push(dir);
    const path = join(dir, "cairn.db");
    const store = new SqliteStore(path);
    const engine = new Engine({ store, project: "/work/other", actor: "test", now: () => T0 });
    for (let i = 0; i < 400; i++) engine.remember({ content: `harbor crane ${i} lifts container ${i % 7}`, project: i % 10 === 0 ? "/work/app" : "/work/other" });
    store.close();
    const filter: MemoryFilter = { scope: { projects: ["/work/app"], includeGlobal: false } };
    const where = filterToSql(filter, T0, PLAIN_CODEC);
    const search = (matches: number) => {
      const { db, rounds } = counted(path);
      const seen: PassRate = { rate: 1 };
      const hits = ftsSearch(db, '"harbor" OR "crane"', where, 10, seen, matches);
      db.close();
      return { seqs: hits.map((h) => h.row.seq), rounds: rounds(), seen };
    };
    const narrow = search(0);
    const wide = search(MANY_MATCHES);
    expect(narrow.rounds).toBeGreaterThan(1);
    expect(wide.rounds).toBe(1);
    expect(wide.seqs).toEqual(narrow.seqs);
    expect(wide.seqs).toHaveLength(10);
    expect(wide.seen).toMatchObject({ measured: true });
    // Once measured, the pass rate decides, not the count.
    const { db, rounds } = counted(path);
    const seen: PassRate = { rate: 0.1, measured: true };
    ftsSearch(db, '"harbor" OR "crane"', where, 10, seen, MANY_MATCHES);
    db.close();
    expect(rounds()).toBe(1);
    expect(seen.rate).toBeCloseTo(0.1, 1);
  });
});
