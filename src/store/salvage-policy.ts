/**
 * @module `cairn doctor --repair` keeps retention rules, legal holds (released ones too, for the record) and
 * the sweep's marks: a repair must never lift a hold; and the team key, so a device in a team still syncs.
 * Rows are copied as they are (the same key opens them); a table an older or damaged file lacks or cannot read
 * is skipped and counted.
 */
import type { Database } from "bun:sqlite";

const TABLES = ["retention_rules", "holds", "retention_marks", "retention_state", "sync_secret"] as const;

/** Copies the policy tables from `from` into `to` (inside the caller's transaction); returns how many tables failed. */
export function salvagePolicy(from: Database, to: Database): number {
  let failed = 0;
  for (const table of TABLES) {
    let rows: Array<Record<string, string | number | null>>;
    try {
      const exists = from.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
      if (!exists) continue;
      rows = from.query(`SELECT * FROM ${table}`).all() as Array<Record<string, string | number | null>>;
    } catch {
      failed++;
      continue;
    }
    for (const row of rows) {
      const cols = Object.keys(row);
      to.query(`INSERT OR IGNORE INTO ${table} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(...cols.map((c) => row[c]!));
    }
  }
  return failed;
}
