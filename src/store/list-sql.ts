/**
 * @module Listing and counting memories by filter without reading every memory of a large store. Measured at
 * 1M memories (one project of eight holding 225k): `cairn list` 0.6 s and 2.5 s across projects, its count of
 * what is not expired 0.4 s, read row by row; now a few ms (DESIGN.md "List and count at a million").
 */
import type { Database } from "bun:sqlite";
import type { MemoryFilter } from "../domain/memory.ts";
import type { ContentCodec } from "./content-codec.ts";
import { filterToSql, HELD_SQL, rowsBySeq, type SqlParam } from "./filter-sql.ts";
import { MEMORY_COLUMNS, type MemoryRow } from "./rows.ts";
import type { ListOptions } from "./store.ts";

/**
 * How many memories pass `filter`: all that match it whatever their lifetime, less the expired ones no hold
 * keeps visible. The first count reads the scope index alone; the second seeks the index of expiring
 * memories (memories_expiring) for those past their time, which the sweep keeps few.
 */
export function countMatching(db: Database, filter: MemoryFilter, now: number, codec: ContentCodec): number {
  const base = filterToSql({ ...filter, includeExpired: true }, now, codec);
  const count = (sql: string, params: SqlParam[]) =>
    (db.query(`SELECT count(*) AS n FROM memories m WHERE ${sql}`).get(...params) as { n: number }).n;
  const all = count(base.sql, base.params);
  if (filter.includeExpired) return all;
  return all - count(`${base.sql} AND m.expires_at <= ? AND NOT ${HELD_SQL}`, [...base.params, now]);
}

/**
 * The memories `filter` passes, in `options`' order. Newest or oldest first by creation, a scope of named
 * projects (and the global one) is listed one scope at a time, each read in order from memories_scope
 * (project, status, created_at) and stopped after the rows the page needs, then merged: one query over the
 * whole scope sorted all of a large project's memories to show twenty.
 */
export function listMatching(db: Database, filter: MemoryFilter, now: number, codec: ContentCodec, options: ListOptions): MemoryRow[] {
  const dir = options.order === "oldest" ? "ASC" : "DESC";
  const offset = options.offset ?? 0;
  const { projects, includeGlobal } = filter.scope;
  if (options.order === "priority" || options.by === "event" || projects === null) {
    const where = filterToSql(filter, now, codec);
    const time = options.by === "event" ? "coalesce(m.event_time, m.created_at)" : "m.created_at";
    const order =
      options.order === "priority" ? "m.priority DESC, m.access_count DESC, m.created_at DESC, m.seq DESC" : `${time} ${dir}, m.seq ${dir}`;
    return db
      .query(`SELECT ${MEMORY_COLUMNS} FROM memories m WHERE ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...where.params, options.limit, offset) as MemoryRow[];
  }
  const scopes = [...projects.map((p) => ({ projects: [p], includeGlobal: false })), ...(includeGlobal ? [{ projects: [], includeGlobal: true }] : [])];
  if (scopes.length === 0) return [];
  const branches = scopes.map((scope) => filterToSql({ ...filter, scope }, now, codec));
  const sql = branches
    .map((b) => `SELECT * FROM (SELECT ${MEMORY_COLUMNS} FROM memories m WHERE ${b.sql} ORDER BY m.created_at ${dir}, m.seq ${dir} LIMIT ?)`)
    .join(" UNION ALL ");
  const params = branches.flatMap((b) => [...b.params, options.limit + offset]);
  return db.query(`SELECT * FROM (${sql}) ORDER BY created_at ${dir}, seq ${dir} LIMIT ? OFFSET ?`).all(...params, options.limit, offset) as MemoryRow[];
}

/**
 * Every memory `filter` passes, oldest (or newest) first by creation, read `page` rows at a time
 * (Store.listAll): the order is read once as seqs, then each page by seq, checked against the filter again.
 * Paging by offset re-read every earlier row for each page: an export of 1M memories a thousand at a time took
 * over 12 minutes.
 */
export function* allMatching(db: Database, filter: MemoryFilter, now: number, codec: ContentCodec, order: "oldest" | "newest", page: number): Generator<MemoryRow> {
  const where = filterToSql(filter, now, codec);
  const dir = order === "oldest" ? "ASC" : "DESC";
  let seqs = new Uint32Array(1024);
  let n = 0;
  const ordered = db.query(`SELECT m.seq AS seq FROM memories m WHERE ${where.sql} ORDER BY m.created_at ${dir}, m.seq ${dir}`);
  for (const { seq } of ordered.iterate(...where.params) as Iterable<{ seq: number }>) {
    if (n === seqs.length) {
      const grown = new Uint32Array(n * 2);
      grown.set(seqs);
      seqs = grown;
    }
    seqs[n++] = seq;
  }
  for (let at = 0; at < n; at += page) {
    const keys = Array.from(seqs.subarray(at, Math.min(n, at + page)));
    const rows = new Map(rowsBySeq(db, keys, where).map((r) => [r.seq, r]));
    for (const seq of keys) {
      const row = rows.get(seq);
      if (row) yield row;
    }
  }
}
