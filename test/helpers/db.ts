/** @module Test helper: inspecting a cairn database file directly with bun:sqlite, after every cairn process has exited. */
import { Database } from "bun:sqlite";
import { existsSync, readFileSync } from "node:fs";

export interface DbFacts {
  integrity: string[];
  memories: number;
  /** Memory rows with no full-text index entry. */
  ftsMissing: number;
  /** Index entries with no memory row. */
  ftsOrphans: number;
  /** Error from FTS5's own 'integrity-check' command, if any. */
  ftsCheckError: string | null;
}

/** Opens the database (running WAL recovery like any client would) and reports its consistency. */
export function inspectDb(dbFile: string): DbFacts {
  const db = new Database(dbFile, { strict: true });
  try {
    const integrity = (db.query("PRAGMA integrity_check").all() as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    let ftsCheckError: string | null = null;
    try {
      db.run("INSERT INTO memories_fts (memories_fts) VALUES ('integrity-check')");
    } catch (err) {
      ftsCheckError = err instanceof Error ? err.message : String(err);
    }
    const n = (sql: string) => (db.query(sql).get() as { n: number }).n;
    return {
      integrity,
      memories: n("SELECT count(*) AS n FROM memories"),
      ftsMissing: n("SELECT count(*) AS n FROM memories m WHERE NOT EXISTS (SELECT 1 FROM memories_fts f WHERE f.rowid = m.seq)"),
      ftsOrphans: n("SELECT count(*) AS n FROM memories_fts f WHERE NOT EXISTS (SELECT 1 FROM memories m WHERE m.seq = f.rowid)"),
      ftsCheckError,
    };
  } finally {
    db.close();
  }
}

/** The raw bytes of the database and its WAL (when present), for "is this text anywhere on disk?" checks. */
export function rawDbBytes(dbFile: string): Buffer {
  const parts = [dbFile, `${dbFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
  return Buffer.concat(parts);
}
