/**
 * @module Migration 18's data step: the audit log rebuilt (rebuild-table.ts) with its hashes stored as bytes
 * (stored-hash.ts): ~67 bytes less an entry, about one entry a memory. The columns become ANY, so an entry
 * whose hash is of another form keeps it as text; its chain reads the same.
 */
import type { Database } from "bun:sqlite";
import { log } from "../log.ts";
import { storedHash } from "./stored-hash.ts";
import { rebuildTable } from "./rebuild-table.ts";

/** From this many entries the upgrade says what it is doing (~5 s a million). */
const SAY_FROM = 100_000;

const AUDIT_TABLE = `CREATE TABLE audit (
        seq            INTEGER PRIMARY KEY,
        at             INTEGER NOT NULL,
        actor          TEXT NOT NULL,
        op             TEXT NOT NULL,
        memory_id      TEXT NOT NULL,
        hash_before    ANY,
        hash_after     ANY,
        content_before TEXT,
        detail         TEXT NOT NULL DEFAULT '{}',
        prev_hash      ANY,
        entry_hash     ANY
      ) STRICT`;

type Row = {
  at: number; actor: string; op: string; memory_id: string; hash_before: string | null; hash_after: string | null;
  content_before: string | null; detail: string; prev_hash: string | null; entry_hash: string | null;
};

export function packAuditHashes(db: Database): void {
  const last = (db.query("SELECT max(seq) AS n FROM audit").get() as { n: number | null }).n ?? 0;
  if (last >= SAY_FROM) log.warn(`upgrading the database: storing the hashes of ${last} audit entries as bytes (once; about 5 s a million)…`);
  rebuildTable<Row>(db, "audit", {
    columns: ["at", "actor", "op", "memory_id", "hash_before", "hash_after", "content_before", "detail", "prev_hash", "entry_hash"],
    define: () => AUDIT_TABLE,
    convert: (r) => [
      r.at, r.actor, r.op, r.memory_id, storedHash(r.hash_before), storedHash(r.hash_after), r.content_before, r.detail,
      storedHash(r.prev_hash), storedHash(r.entry_hash),
    ],
  });
}
