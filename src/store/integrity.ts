/** @module Consistency checks for `cairn doctor`: SQLite integrity, FTS index versus table, tag table versus tags. */
import type { Database } from "bun:sqlite";
import { describeError } from "../errors.ts";
import { schemaVersion } from "./migrations.ts";
import type { IntegrityReport } from "./store.ts";

export function checkIntegrity(db: Database): IntegrityReport {
  const integrity = (db.query("PRAGMA integrity_check").all() as Array<{ integrity_check: string }>)
    .map((r) => r.integrity_check)
    .filter((m) => m !== "ok");

  const ftsErrors: string[] = [];
  try {
    db.run("INSERT INTO memories_fts (memories_fts) VALUES ('integrity-check')");
  } catch (err) {
    ftsErrors.push(describeError(err));
  }
  const n = (sql: string) => (db.query(sql).get() as { n: number }).n;
  const ftsMissing = n("SELECT count(*) AS n FROM memories m WHERE NOT EXISTS (SELECT 1 FROM memories_fts f WHERE f.rowid = m.seq)");
  const ftsOrphans = n("SELECT count(*) AS n FROM memories_fts f WHERE NOT EXISTS (SELECT 1 FROM memories m WHERE m.seq = f.rowid)");
  const tagMismatches = n(
    `SELECT count(*) AS n FROM memories m
     WHERE (SELECT count(*) FROM json_each(m.tags)) != (SELECT count(*) FROM memory_tags t WHERE t.memory_seq = m.seq)`,
  );
  return { schemaVersion: schemaVersion(db), integrity, ftsErrors, ftsMissing, ftsOrphans, tagMismatches };
}
