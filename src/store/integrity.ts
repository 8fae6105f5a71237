/**
 * @module Consistency checks for `cairn doctor`: SQLite integrity, FTS index versus table, tag table versus tags.
 * On a damaged file every check reports what it could not read instead of throwing, so doctor can say which
 * part failed and what to do.
 */
import type { Database } from "bun:sqlite";
import { describeError } from "../errors.ts";
import { isBusy, writeRefusal } from "./db.ts";
import { checkOnOwnConnection } from "./integrity-check.ts";
import { schemaVersion } from "./migrations.ts";
import type { IntegrityReport } from "./store.ts";

/**
 * `path`: the database's file, whose `PRAGMA integrity_check` then runs on a connection of its own (a connection
 * that read the full-text index before reports it corrupt while other processes write: integrity-check.ts).
 */
export function checkIntegrity(db: Database, path?: string): IntegrityReport {
  let integrity: string[];
  try {
    const rows = path ? checkOnOwnConnection(path, "integrity_check") : (db.query("PRAGMA integrity_check").values() as Array<[string]>).map((r) => r[0]);
    integrity = rows.filter((m) => m !== "ok");
  } catch (err) {
    integrity = [describeError(err)];
  }
  const ftsErrors: string[] = [];
  const attempt = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (err) {
      ftsErrors.push(describeError(err));
      return fallback;
    }
  };
  // FTS5's own check is an INSERT, refused on a read-only connection: the counts below still compare index and table.
  // Another process holding the lock is no fault of the index (QA: doctor said FAIL on a sound, busy store).
  let ftsUnchecked: string | undefined;
  if (!writeRefusal(db)) {
    try {
      db.run("INSERT INTO memories_fts (memories_fts) VALUES ('integrity-check')");
    } catch (err) {
      if (isBusy(err)) ftsUnchecked = describeError(err);
      else ftsErrors.push(describeError(err));
    }
  }
  const n = (sql: string) => attempt(() => (db.query(sql).get() as { n: number }).n, -1);
  const ftsMissing = n("SELECT count(*) AS n FROM memories m WHERE NOT EXISTS (SELECT 1 FROM memories_fts f WHERE f.rowid = m.seq)");
  const ftsOrphans = n("SELECT count(*) AS n FROM memories_fts f WHERE NOT EXISTS (SELECT 1 FROM memories m WHERE m.seq = f.rowid)");
  const tagMismatches = n(
    `SELECT count(*) AS n FROM memories m
     WHERE json_valid(m.tags) AND (SELECT count(*) FROM json_each(m.tags)) != (SELECT count(*) FROM memory_tags t WHERE t.memory_seq = m.seq)`,
  );
  const version = attempt(() => schemaVersion(db), -1);
  return { schemaVersion: version, integrity, ftsErrors: [...new Set(ftsErrors)], ...(ftsUnchecked ? { ftsUnchecked } : {}), ftsMissing, ftsOrphans, tagMismatches };
}
