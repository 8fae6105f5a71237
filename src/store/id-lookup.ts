/** @module Finding memories by part of their id: a prefix, the end a short form shows, or the start of that end. */
import type { Database } from "bun:sqlite";

/** Ids starting with `prefix` (at most `limit`), through the primary key. */
export function idsWithPrefix(db: Database, prefix: string, limit: number): string[] {
  const rows = db.query("SELECT id FROM memories WHERE id >= ? AND id < ? ORDER BY id LIMIT ?").all(prefix, `${prefix}\uffff`, limit) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/**
 * Ids whose last 8 characters are one of `tails`: through the index on the last four characters (migration 26;
 * named: a small table's planner would scan), then the whole end on the rows it finds.
 */
export function idsWithTail(db: Database, tails: readonly string[]): string[] {
  if (tails.length === 0) return [];
  const marks = tails.map(() => "?").join(", ");
  const rows = db
    .query(`SELECT id FROM memories INDEXED BY memories_id_tail WHERE substr(id, -4) IN (${marks}) AND substr(id, -8) IN (${marks})`)
    .all(...tails.map((t) => t.slice(-4)), ...tails) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/**
 * Ids whose short form (their last 8 characters) starts with `start` (at most `limit`): what people type of the
 * short id they were shown ("df24c7" of "df24c7a1"). No index covers it: every id is read (~30 ms at 100k
 * memories), so only when nothing else matched.
 */
export function idsWithTailStart(db: Database, start: string, limit: number): string[] {
  const rows = db.query("SELECT id FROM memories WHERE substr(id, -8, ?) = ? LIMIT ?").all(start.length, start, limit) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}
