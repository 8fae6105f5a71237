/** @module The append-only audit log: who changed which memory, when, and the content hashes around it. */
import type { Database } from "bun:sqlite";
import type { AuditEntry, AuditOp } from "./store.ts";
import { decodeContent, encodeContent } from "./content-codec.ts";

interface AuditRow {
  at: number;
  actor: string;
  op: string;
  memory_id: string;
  hash_before: string | null;
  hash_after: string | null;
  content_before: string | null;
  detail: string;
}

export function appendAudit(db: Database, e: AuditEntry): void {
  db.query(
    `INSERT INTO audit (at, actor, op, memory_id, hash_before, hash_after, content_before, detail)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    e.at,
    e.actor,
    e.op,
    e.memoryId,
    e.hashBefore,
    e.hashAfter,
    e.contentBefore === null ? null : encodeContent(e.contentBefore),
    JSON.stringify(e.detail),
  );
}

export function auditHistory(db: Database, memoryId: string): AuditEntry[] {
  const rows = db
    .query("SELECT at, actor, op, memory_id, hash_before, hash_after, content_before, detail FROM audit WHERE memory_id = ? ORDER BY seq")
    .all(memoryId) as AuditRow[];
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor,
    op: r.op as AuditOp,
    memoryId: r.memory_id,
    hashBefore: r.hash_before,
    hashAfter: r.hash_after,
    contentBefore: r.content_before === null ? null : decodeContent(r.content_before),
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}

/**
 * Erases every old version of a memory's text from the log, and the details that may quote it (old
 * metadata, reasons); the hashes, times and operations stay as proof of what happened.
 */
export function eraseAuditContent(db: Database, memoryId: string): void {
  db.query("UPDATE audit SET content_before = NULL, detail = '{}' WHERE memory_id = ?").run(memoryId);
}
