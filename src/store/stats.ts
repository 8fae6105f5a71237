/** @module Aggregate numbers about the store, for `cairn stats` and `cairn doctor`. */
import type { Database } from "bun:sqlite";
import type { DayCount, StoreStats } from "./store.ts";

export function collectStats(db: Database, now: number): StoreStats {
  const groups = (sql: string) =>
    Object.fromEntries((db.query(sql).all() as Array<{ k: string; n: number }>).map((r) => [r.k, r.n]));
  const one = (sql: string, ...params: number[]) => (db.query(sql).get(...params) as { n: number | null }).n;
  const byProject = db
    .query("SELECT project, count(*) AS count FROM memories WHERE status = 'active' GROUP BY project ORDER BY count DESC")
    .all() as Array<{ project: string | null; count: number }>;
  const pages = db.query("SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()").get() as {
    n: number;
  };
  return {
    total: one("SELECT count(*) AS n FROM memories") ?? 0,
    byStatus: groups("SELECT status AS k, count(*) AS n FROM memories GROUP BY status"),
    byType: groups("SELECT type AS k, count(*) AS n FROM memories WHERE status = 'active' GROUP BY type"),
    byProject,
    expired: one("SELECT count(*) AS n FROM memories WHERE status = 'active' AND expires_at <= ?", now) ?? 0,
    vectors: one("SELECT count(*) AS n FROM vectors") ?? 0,
    edges: one("SELECT count(*) AS n FROM edges") ?? 0,
    auditEntries: one("SELECT count(*) AS n FROM audit") ?? 0,
    oldest: one("SELECT min(created_at) AS n FROM memories"),
    newest: one("SELECT max(created_at) AS n FROM memories"),
    dbBytes: pages.n,
  };
}

const DAY_MS = 86_400_000;

/** One row per (UTC day, type); purged memories are gone from the table and so from the counts. */
export function createdByDay(db: Database): DayCount[] {
  return db
    .query(`SELECT (created_at / ${DAY_MS}) * ${DAY_MS} AS day, type, count(*) AS count FROM memories GROUP BY 1, 2 ORDER BY 1, 2`)
    .all() as DayCount[];
}
