/** @module Turns a {@link MemoryFilter} into a SQL WHERE clause over `memories m`, with bound parameters. */
import type { Database } from "bun:sqlite";
import type { MemoryFilter } from "../domain/memory.ts";
import type { ContentCodec } from "./content-codec.ts";
import { MEMORY_COLUMNS, type MemoryRow, storedProject, storedTag } from "./rows.ts";

export type SqlParam = string | number | null;

/** The projects a filter passes, as its SQL does: stored keys (null: any project), and whether global memories. */
export interface ProjectScope {
  projects: readonly string[] | null;
  global: boolean;
}

export interface SqlWhere {
  sql: string;
  params: SqlParam[];
  /** The filter without its clock: equal for searches that select the same memories (a cache key). */
  key: string;
  /** The scope part of `sql` as data, for an index that can leave other projects out first (text-index.ts). */
  scope: ProjectScope;
}

/** True for a memory `m` covered by a legal hold in force (by id, project or tag); see domain/retention.ts. */
export const HELD_SQL = `EXISTS (SELECT 1 FROM holds h WHERE h.released_at IS NULL AND (
  (h.kind = 'id' AND h.target = m.id) OR (h.kind = 'project' AND h.target = m.project)
  OR (h.kind = 'tag' AND h.target IN (SELECT tag FROM memory_tags WHERE memory_seq = m.seq))))`;

/** The projects `filter` passes as data, in their stored form (an encrypted store's keys are sealed names). */
export function projectScopeOf(filter: MemoryFilter, codec: ContentCodec): ProjectScope {
  return { projects: filter.scope.projects?.map((p) => storedProject(codec, p)!) ?? null, global: filter.scope.includeGlobal };
}

/** Project keys and tags are compared in their stored form (see rows.ts), so an encrypted store filters alike. */
export function filterToSql(filter: MemoryFilter, now: number, codec: ContentCodec): SqlWhere {
  const clauses: string[] = [];
  const params: SqlParam[] = [];

  const { includeGlobal } = filter.scope;
  // Stored once, for the SQL and for the scope as data (an encrypted store's keys are sealed names).
  const scope = projectScopeOf(filter, codec);
  const { projects } = scope;
  if (projects !== null) {
    const parts: string[] = [];
    if (projects.length > 0) {
      parts.push(`m.project IN (${projects.map(() => "?").join(", ")})`);
      params.push(...projects);
    }
    if (includeGlobal) parts.push("m.project IS NULL");
    clauses.push(parts.length > 0 ? `(${parts.join(" OR ")})` : "0");
  } else if (!includeGlobal) {
    clauses.push("m.project IS NOT NULL");
  }

  const statuses = filter.statuses ?? ["active"];
  clauses.push(`m.status IN (${statuses.map(() => "?").join(", ")})`);
  params.push(...statuses);

  if (filter.types && filter.types.length > 0) {
    clauses.push(`m.type IN (${filter.types.map(() => "?").join(", ")})`);
    params.push(...filter.types);
  }
  for (const tag of filter.tags ?? []) {
    clauses.push("m.seq IN (SELECT memory_seq FROM memory_tags WHERE tag = ?)");
    params.push(storedTag(codec, tag));
  }
  if (filter.since !== undefined) {
    clauses.push("coalesce(m.event_time, m.created_at) >= ?");
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    clauses.push("coalesce(m.event_time, m.created_at) < ?");
    params.push(filter.until);
  }
  const key = JSON.stringify([clauses, params]);
  if (!filter.includeExpired) {
    // A memory under legal hold stays visible after its TTL: a hold must not let evidence fade from recall.
    clauses.push(`(m.expires_at IS NULL OR m.expires_at > ? OR ${HELD_SQL})`);
    params.push(now);
  }
  return { sql: clauses.join(" AND "), params, key, scope };
}

/**
 * The rows among `seqs` that pass `where`. One statement for any number of ids (a JSON list), so the statement
 * cache does not fill with one variant per list length; NOT INDEXED keeps the planner on the rowid lookups
 * instead of walking memories_scope for the filter.
 */
export function rowsBySeq(db: Database, seqs: readonly number[], where: SqlWhere): MemoryRow[] {
  return db
    .query(`SELECT ${MEMORY_COLUMNS} FROM memories m NOT INDEXED WHERE m.seq IN (SELECT value FROM json_each(?)) AND ${where.sql}`)
    .all(JSON.stringify(seqs), ...where.params) as MemoryRow[];
}

/**
 * The rows among `ids` (public UUIDs) that pass `where`; one statement for any number of ids, like
 * {@link rowsBySeq}, through {@link MEMORIES_BY_ID_LIST}. Written as `m.id IN (…)`, a planner without
 * statistics walked memories_scope for the filter instead (45 ms for 30 ids in a 13k-memory project of a 100k
 * store, against 0.1 ms), and one that had measured an almost empty table walked memories_session for each id.
 */
export function rowsById(db: Database, ids: readonly string[], where: SqlWhere): MemoryRow[] {
  return db.query(rowsByIdSql(where)).all(idListParam(ids), ...where.params) as MemoryRow[];
}

/**
 * The memories whose public ids a JSON list parameter ({@link idListParam}) holds, as `m`: the list first,
 * then one seek of the id index (the UNIQUE constraint's) each, join order and index fixed whatever the
 * planner knows.
 */
export const MEMORIES_BY_ID_LIST = "json_each(?) j CROSS JOIN memories m INDEXED BY sqlite_autoindex_memories_1 ON m.id = j.value";

/** `ids` as the JSON list {@link MEMORIES_BY_ID_LIST} reads, each once (a join returns a row per listed id). */
export const idListParam = (ids: readonly string[]): string => JSON.stringify([...new Set(ids)]);

/** The statement of {@link rowsById} (its plan is tested). */
export function rowsByIdSql(where: SqlWhere): string {
  return `SELECT ${MEMORY_COLUMNS} FROM ${MEMORIES_BY_ID_LIST} WHERE ${where.sql}`;
}

/** The ids among `seqs` that pass `where`, without reading the rows' other columns (cheap for long lists). */
export function seqsPassing(db: Database, seqs: readonly number[], where: SqlWhere): Set<number> {
  const rows = db
    .query(`SELECT m.seq FROM memories m NOT INDEXED WHERE m.seq IN (SELECT value FROM json_each(?)) AND ${where.sql}`)
    .values(JSON.stringify(seqs), ...where.params) as Array<[number]>;
  return new Set(rows.map((r) => r[0]));
}
