/**
 * @module Migrations 18 and 19's data steps: the audit log, then the memories, rebuilt (rebuild-table.ts) with
 * their hashes stored as bytes (stored-hash.ts): ~67 bytes less an audit entry (about one a memory) and 64 a
 * memory, plus 8 in the index of canonical-hash prefixes (8 bytes where it held 16 hex digits). The columns
 * become ANY, so a hash of another form keeps it as text; every hash reads back as the text it was.
 */
import type { Database, SQLQueryBindings } from "bun:sqlite";
import { log } from "../log.ts";
import { CANONICAL_PREFIX_INDEX, prefixIndexSql } from "./canonical-prefix.ts";
import { rebuildTable } from "./rebuild-table.ts";
import { keptCounts } from "./row-counts.ts";
import { storedHash } from "./stored-hash.ts";

/** From this many rows the upgrade says what it is doing (it holds the write lock meanwhile). */
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

type AuditRow = {
  at: number; actor: string; op: string; memory_id: string; hash_before: string | null; hash_after: string | null;
  content_before: string | null; detail: string; prev_hash: string | null; entry_hash: string | null;
};

export function packAuditHashes(db: Database): void {
  const last = (db.query("SELECT max(seq) AS n FROM audit").get() as { n: number | null }).n ?? 0;
  if (last >= SAY_FROM) log.warn(`upgrading the database: storing the hashes of ${last} audit entries as bytes (once; about 5 s a million)…`);
  rebuildTable<AuditRow>(db, "audit", {
    columns: ["at", "actor", "op", "memory_id", "hash_before", "hash_after", "content_before", "detail", "prev_hash", "entry_hash"],
    define: () => AUDIT_TABLE,
    convert: (r) => [
      r.at, r.actor, r.op, r.memory_id, storedHash(r.hash_before), storedHash(r.hash_after), r.content_before, r.detail,
      storedHash(r.prev_hash), storedHash(r.entry_hash),
    ],
  });
}

const MEMORY_COLUMNS = [
  "id", "content", "type", "tags", "project", "session_id", "agent", "source", "created_at", "updated_at", "event_time", "expires_at",
  "priority", "access_count", "last_accessed_at", "content_hash", "canonical_hash", "status", "superseded_by", "metadata",
] as const;
const CONTENT_HASH = MEMORY_COLUMNS.indexOf("content_hash");
const CANONICAL_HASH = MEMORY_COLUMNS.indexOf("canonical_hash");

/** Needs foreign keys off (Migration.foreignKeysOff): vectors, tags and links refer to memories. */
export function packMemoryHashes(db: Database): void {
  const { memories } = keptCounts(db);
  if (memories >= SAY_FROM) log.warn(`upgrading the database: storing the hashes of ${memories} memories as bytes (once; about 20 s a million)…`);
  rebuildTable<Record<(typeof MEMORY_COLUMNS)[number], string | number | null>>(db, "memories", {
    columns: MEMORY_COLUMNS,
    define: (current) => {
      const next = current.replace(/\bcontent_hash(\s+)TEXT NOT NULL/, "content_hash$1ANY NOT NULL").replace(/\bcanonical_hash(\s+)TEXT NOT NULL/, "canonical_hash$1ANY NOT NULL");
      if ((next.match(/ANY NOT NULL/g) ?? []).length !== 2) throw new Error("migration 19: the memories table's hash columns are not as expected");
      return next;
    },
    convert: (r) => {
      const values: SQLQueryBindings[] = MEMORY_COLUMNS.map((c) => r[c]);
      values[CONTENT_HASH] = storedHash(r.content_hash as string);
      values[CANONICAL_HASH] = storedHash(r.canonical_hash as string);
      return values;
    },
    remake: (name, sql) => (name === CANONICAL_PREFIX_INDEX ? prefixIndexSql() : sql),
  });
}
