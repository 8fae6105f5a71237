/**
 * @module Migration 25's data step: the `vectors` table kept WITHOUT ROWID, by its key (memory_seq, model). As a
 * rowid table it held each row twice over: the row under a rowid nothing reads, and its key again in the
 * primary key's index, which every lookup goes through (~23 bytes a memory with the index full, 40 half full).
 * Version 2 left WITHOUT ROWID when a float32 vector (2 KB) spilled to overflow pages; a vector is now 260
 * bytes (4 bits a value) and stays in the page. Rows are copied in key order in batches, each batch deleted from
 * the old table as it goes, so the new table takes the pages the old one frees: the file does not grow. The
 * table's triggers (change log, counts) are set aside meanwhile — the copy is no change to log or count — and
 * made again as they were; the vector index file, which follows the change log, stays in step.
 */
import type { Database } from "bun:sqlite";
import { log } from "../log.ts";
import { keptCounts } from "./row-counts.ts";

/** From this many vectors the upgrade says what it is doing (it holds the write lock meanwhile). */
const SAY_FROM = 100_000;
const BATCH = 2000;

export function keyVectors(db: Database): void {
  const { vectors } = keptCounts(db);
  if (vectors >= SAY_FROM) log.warn(`upgrading the database: storing ${vectors} vectors by their key (once; about 10 s a million)…`);
  const triggers = db.query("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'vectors'").all() as Array<{ name: string; sql: string }>;
  for (const t of triggers) db.run(`DROP TRIGGER "${t.name}"`);
  // The same columns and key, kept WITHOUT ROWID: the table's own definition with that option added.
  const current = (db.query("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'vectors'").get() as { sql: string }).sql;
  if (!/^CREATE TABLE "?vectors"? \(.*\) STRICT$/s.test(current)) throw new Error(`keying vectors: unexpected table definition ${current}`);
  db.run(`${current.replace(/^CREATE TABLE "?vectors"?/, "CREATE TABLE vectors_keyed")}, WITHOUT ROWID`);
  const columns = "memory_seq, model, dims, created_at, vector";
  const select = db.query(`SELECT ${columns} FROM vectors WHERE (memory_seq, model) > (?, ?) ORDER BY memory_seq, model LIMIT ${BATCH}`);
  const insert = db.query(`INSERT INTO vectors_keyed (${columns}) VALUES (?, ?, ?, ?, ?)`);
  const done = db.query("DELETE FROM vectors WHERE (memory_seq, model) <= (?, ?)");
  const count = (table: string) => (db.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const before = count("vectors");
  type Row = { memory_seq: number; model: string; dims: number; created_at: number; vector: Uint8Array };
  // From below every key: a seq is an integer, and '' sorts before every model name.
  for (let after: [number, string] = [-(2 ** 63), ""]; ; ) {
    const rows = select.all(...after) as Row[];
    if (rows.length === 0) break;
    for (const r of rows) insert.run(r.memory_seq, r.model, r.dims, r.created_at, r.vector);
    const last = rows.at(-1)!;
    after = [last.memory_seq, last.model];
    done.run(...after);
  }
  // Every row copied, none left behind: else the migration's transaction rolls back.
  const copied = count("vectors_keyed");
  if (copied !== before || count("vectors") !== 0) throw new Error(`keying vectors: copied ${copied} of ${before} rows; nothing was changed`);
  db.run("DROP TABLE vectors");
  db.run("ALTER TABLE vectors_keyed RENAME TO vectors");
  for (const t of triggers) db.run(t.sql);
}
