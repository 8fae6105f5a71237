/** @module Aggregate numbers about the store, for `cairn stats` and `cairn doctor`. */
import type { Database } from "bun:sqlite";
import { STATUSES } from "../domain/memory.ts";
import type { ContentCodec } from "./content-codec.ts";
import { keptCounts } from "./row-counts.ts";
import { projectOf } from "./rows.ts";
import type { DayCount, StoreStats } from "./store.ts";

/**
 * What `cairn stats` shows. The totals of memories and vectors are the trigger-kept counts (row-counts.ts, which
 * `doctor` checks), the oldest and newest one seek per status, and the active memories the total less the
 * others: counting the tables and scanning for min/max read every page of an index — ~350 ms of `cairn stats`
 * at 1M memories. Types and projects are still counted (one index scan each).
 */
export function collectStats(db: Database, now: number, codec: ContentCodec): StoreStats {
  const groups = (sql: string) =>
    Object.fromEntries((db.query(sql).all() as Array<{ k: string; n: number }>).map((r) => [r.k, r.n]));
  const one = (sql: string, ...params: Array<number | string>) => (db.query(sql).get(...params) as { n: number | null }).n;
  const byProject = db
    .query("SELECT project, count(*) AS count FROM memories WHERE status = 'active' GROUP BY project ORDER BY count DESC")
    .all() as Array<{ project: string | null; count: number }>;
  // An encrypted store holds each project's name sealed (deterministically): shown by name, as list shows it.
  for (const p of byProject) p.project = projectOf(codec, p.project, "a project name");
  const pages = db.query("SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()").get() as {
    n: number;
  };
  const kept = keptCounts(db);
  const byStatus: Record<string, number> = {};
  for (const status of STATUSES.filter((s) => s !== "active")) {
    const n = one("SELECT count(*) AS n FROM memories WHERE status = ?", status) ?? 0;
    if (n > 0) byStatus[status] = n;
  }
  const active = kept.memories - Object.values(byStatus).reduce((a, b) => a + b, 0);
  const extreme = (fn: "min" | "max") =>
    one(`SELECT ${fn}(n) AS n FROM (${STATUSES.map((s) => `SELECT ${fn}(created_at) AS n FROM memories WHERE status = '${s}'`).join(" UNION ALL ")})`);
  return {
    total: kept.memories,
    // Present statuses only, by name (as GROUP BY status gave them).
    byStatus: Object.fromEntries(Object.entries({ active, ...byStatus }).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b))),
    byType: groups("SELECT type AS k, count(*) AS n FROM memories WHERE status = 'active' GROUP BY type"),
    byProject,
    expired: one("SELECT count(*) AS n FROM memories WHERE status = 'active' AND expires_at <= ?", now) ?? 0,
    vectors: kept.vectors,
    edges: one("SELECT count(*) AS n FROM edges") ?? 0,
    auditEntries: one("SELECT count(*) AS n FROM audit") ?? 0,
    oldest: extreme("min"),
    newest: extreme("max"),
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
