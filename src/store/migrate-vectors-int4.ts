/**
 * @module Migration 17's data step: the `vectors` table rebuilt with every blob in today's layout (4-bit
 * values + scale, vector-codec.ts; int8 and float32 blobs of earlier versions re-quantised), in rowid
 * batches. Rebuilt rather than updated in place: a row shrinking from 516 to 260 bytes would leave each
 * page half empty for good. Each batch copied is deleted from the old table, so the new table's pages are
 * mostly the ones the old one just freed: the file does not grow (at 1M memories ~0.25 GB of it is left
 * free, reused by later writes; the file itself shrinks only by a VACUUM). Rowids, created_at, the table's
 * indexes and triggers stay as they were (set aside meanwhile: these deletes are no change to log or
 * count). Sealed blobs (an encrypted store) cannot be read here and are copied as they
 * are: they stay readable, and are packed anew when next written.
 */
import type { Database } from "bun:sqlite";
import { log } from "../log.ts";
import { keptCounts } from "./row-counts.ts";
import { repacked } from "./vector-codec.ts";

const BATCH = 2000;

/** From this many vectors the upgrade says what it is doing (it takes ~17 s at 1M, holding the write lock). */
const SAY_FROM = 100_000;

export function repackVectors(db: Database): void {
  const { vectors } = keptCounts(db);
  if (vectors >= SAY_FROM) log.warn(`upgrading the database: packing ${vectors} vectors in 4 bits (once; about 20 s a million)…`);
  // The indexes and triggers on the table, set aside now and made again at the end: no trigger fires for the
  // deletes below, no index is kept up by them.
  const attached = db.query("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'vectors' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name").all() as Array<{ type: string; name: string; sql: string }>;
  const table = (db.query("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'vectors'").get() as { sql: string }).sql;
  db.run(table.replace(/^CREATE TABLE "?vectors"?/, "CREATE TABLE vectors_repacked"));
  for (const { type, name } of attached) db.run(`DROP ${type === "index" ? "INDEX" : "TRIGGER"} "${name}"`);
  const select = db.query("SELECT rowid, memory_seq, model, dims, created_at, vector FROM vectors WHERE rowid > ? ORDER BY rowid LIMIT ?");
  const insert = db.query("INSERT INTO vectors_repacked (rowid, memory_seq, model, dims, created_at, vector) VALUES (?, ?, ?, ?, ?, ?)");
  const done = db.query("DELETE FROM vectors WHERE rowid <= ?");
  type Row = { rowid: number; memory_seq: number; model: string; dims: number; created_at: number; vector: Uint8Array };
  for (let after = 0; ; ) {
    const rows = select.all(after, BATCH) as Row[];
    if (rows.length === 0) break;
    for (const r of rows) insert.run(r.rowid, r.memory_seq, r.model, r.dims, r.created_at, repacked(r.vector, r.dims) ?? r.vector);
    after = rows.at(-1)!.rowid;
    done.run(after);
  }
  db.run("DROP TABLE vectors");
  db.run("ALTER TABLE vectors_repacked RENAME TO vectors");
  for (const { sql } of attached) db.run(sql);
}
