/**
 * @module The query planner's statistics (sqlite_stat1). Without them SQLite guesses every index equally
 * selective, and at 100k memories it guessed wrong on recall's statements: a time window the query names was
 * listed by walking the project's 13k memories through memories_scope and sorting them (40 ms) instead of
 * seeking memories_time (0.1 ms). `PRAGMA optimize` measures only tables never measured or grown about 25×
 * since (a few row counts otherwise), and it reads each index whole: a sample (SQLite's `analysis_limit`,
 * 400 rows) caps what it learns of a column with few values at the sample's size — memories_scope came out
 * as 401 memories per project at 1M (true: 111k) — and the planner still walked a project for a one-day window.
 * Measured whole: 124 ms at 100k memories, 0.9 s at 1M (0.4 s for memories alone), once per such growth.
 */
import type { Database } from "bun:sqlite";
import { withLockWait, writeRefusal } from "./db.ts";

/** How long it waits for another process's write lock: callers run it when quiet and skip it when busy. */
const LOCK_WAIT_MS = 200;

/**
 * Brings the statistics up to date where tables grew or were never measured. Best effort: false when it
 * could not (a read-only or busy database, an open transaction, any SQLite error); the store works either
 * way, only slower. Never throws for those.
 */
export function refreshPlannerStats(db: Database): boolean {
  if (writeRefusal(db) || db.inTransaction) return false;
  try {
    withLockWait(db, LOCK_WAIT_MS, () =>
      // 0x10002 leaves out optimize's own temporary limit (0x10): every table checked.
      withoutMap(db, () => measureWhole(db, "PRAGMA optimize = 0x10002")),
    );
    return true;
  } catch (err) {
    if (!String((err as { code?: unknown }).code ?? "").startsWith("SQLITE_")) throw err;
    return false;
  }
}

/**
 * Runs `sql` (an ANALYZE or PRAGMA optimize) reading every index whole, with no sample limit, and keeps the
 * counts only (see {@link dropSamples}).
 */
export function measureWhole(db: Database, sql: string): void {
  db.run("PRAGMA analysis_limit = 0");
  db.run(sql);
  dropSamples(db);
}

/**
 * Runs `fn` with the file unmapped, then maps it as before. Reading every index whole through the map made
 * each page of the mapped window resident: `cairn import` of 1M lines peaked at 474 MB instead of 361 MB (the
 * issue's bound is 400). Read through the page cache, the pages are the OS's, not the process's.
 */
export function withoutMap<T>(db: Database, fn: () => T): T {
  const size = (db.query("PRAGMA mmap_size").get() as { mmap_size: number } | null)?.mmap_size ?? 0;
  if (size === 0) return fn();
  db.run("PRAGMA mmap_size = 0");
  try {
    return fn();
  } finally {
    db.run(`PRAGMA mmap_size = ${size}`);
  }
}

/**
 * sqlite_stat1 holds counts only. A SQLite built with STAT4 (this one is not; a system library may be) also
 * keeps sampled index keys in sqlite_stat4 — words of the full-text index, tags, ids — which a purge would not
 * reach: they are dropped, and the planner goes by the counts.
 */
function dropSamples(db: Database): void {
  for (const table of ["sqlite_stat4", "sqlite_stat3"]) {
    if (db.query("SELECT 1 FROM sqlite_schema WHERE name = ?").get(table)) db.run(`DELETE FROM ${table}`);
  }
}
