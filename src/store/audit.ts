/** @module The append-only audit log: who changed which memory, when, and the content hashes around it. */
import { safeLabel } from "../domain/label.ts";
import type { Database } from "bun:sqlite";
import type { AuditEntry, AuditOp, AuditQuery, AuditRecord } from "./store.ts";
import { chainTail, entryHash, type StoredChainRow } from "./audit-chain.ts";
import { hashText, storedHash } from "./stored-hash.ts";
import { KEYED_PREFIX, keyedHash, recordAuditKeyCheck } from "./audit-key.ts";
import { type ContentCodec, place } from "./content-codec.ts";
import { writeTransaction } from "./db.ts";

/** An audit row as stored: the chained fields (but its place, seq, and its links) and the erasable text beside them. */
export interface AuditRow extends Omit<StoredChainRow, "seq" | "prev_hash" | "entry_hash"> {
  content_before: string | null;
  detail: string;
}

/** Appends `e` at the end of the hash chain (inside the caller's write transaction, or in its own). */
/**
 * A content hash as the audit log of the database at `file` holds it: keyed, under the store's key if encrypted,
 * else its audit key (so a memory's text can be found among its entries: an import meeting an erased memory).
 */
export function auditedHash(file: string, codec: ContentCodec, h: string): string {
  return h.startsWith(KEYED_PREFIX) ? h : codec.encrypted ? codec.keyedHash(h) : keyedHash(file, h)!;
}

export function appendAudit(db: Database, e: AuditEntry, codec: ContentCodec): void {
  const append = () => {
    const tail = chainTail(db);
    const detail = JSON.stringify(e.detail);
    // A hold's or rule's details are what put it in force: their digest takes the place of a content hash, in
    // the chain (policy-audit.ts checks it; QA: a rule's target and times edited in its entry went unnoticed).
    const after = POLICY_OPS.has(e.op) ? detailDigest(detail) : e.hashAfter;
    // Keyed from the start: the chain covers the stored hashes, so they cannot be re-keyed at purge time.
    // An encrypted store keys them under the user's key instead: audit.key lies in the data folder, beside
    // the database, so it would not stop someone holding both from testing guesses.
    const keyed = (h: string | null) => (h === null ? h : auditedHash(db.filename, codec, h));
    if (!codec.encrypted && (e.hashBefore !== null || after !== null)) recordAuditKeyCheck(db, db.filename, tail.seq + 1);
    const hashBefore = keyed(e.hashBefore);
    const hashAfter = keyed(after);
    const fields = { seq: tail.seq + 1, at: e.at, actor: safeLabel(e.actor), op: e.op, memory_id: e.memoryId, hash_before: hashBefore, hash_after: hashAfter };
    db.query(
      `INSERT INTO audit (seq, at, actor, op, memory_id, hash_before, hash_after, content_before, detail, prev_hash, entry_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      fields.seq,
      e.at,
      fields.actor,
      e.op,
      e.memoryId,
      storedHash(hashBefore),
      storedHash(hashAfter),
      e.contentBefore === null ? null : codec.encode(e.contentBefore, place("audit", "content_before", fields.seq)),
      codec.encode(detail, place("audit", "detail", fields.seq)),
      // Not stored since migration 10: it is the entry before's entry_hash, and this entry's hash covers it.
      null,
      storedHash(entryHash(fields, tail.hash)),
    );
  };
  // Reading the tail and appending must be one step, or two writers would both link to the same entry.
  if (db.inTransaction) append();
  else writeTransaction(db, append);
}

/** The operations on holds and retention rules, whose entries carry their details' digest (see appendAudit). */
export const POLICY_OPS: ReadonlySet<string> = new Set<AuditOp>(["hold", "release", "retention"]);

/** The digest of an entry's details as written (before the key of its era is applied). */
export const detailDigest = (detail: string): string => new Bun.CryptoHasher("sha256").update(detail).digest("hex");

export function auditHistory(db: Database, memoryId: string, codec: ContentCodec): AuditEntry[] {
  const rows = db
    .query("SELECT seq, at, actor, op, memory_id, hash_before, hash_after, content_before, detail FROM audit WHERE memory_id = ? ORDER BY seq")
    .all(memoryId) as Array<AuditRow & { seq: number }>;
  return rows.map((r) => toEntry(r, codec));
}

/**
 * A stored row as the entry it was written from. An erased detail is the plain '{}' (purges run without
 * re-encrypting), so only other values are decoded.
 */
export function toEntry(r: AuditRow & { seq: number }, codec: ContentCodec): AuditEntry {
  const what = `audit entry ${r.seq} (memory ${r.memory_id})`;
  return {
    at: r.at,
    actor: r.actor,
    op: r.op as AuditOp,
    memoryId: r.memory_id,
    hashBefore: hashText(r.hash_before),
    hashAfter: hashText(r.hash_after),
    contentBefore: r.content_before === null ? null : codec.decode(r.content_before, place("audit", "content_before", r.seq), what),
    detail: JSON.parse(detailText(r, codec, what)) as Record<string, unknown>,
  };
}

/** An entry's details as written (JSON text): an erased one is the plain '{}', any other is decoded. */
export function detailText(r: { seq: number; detail: string }, codec: ContentCodec, what = `audit entry ${r.seq}`): string {
  return r.detail === "{}" ? r.detail : codec.decode(r.detail, place("audit", "detail", r.seq), what);
}

/**
 * Erases every old version of a memory's text from the log, and the details that may quote it (old
 * metadata, reasons); the hashes, times and operations stay as proof of what happened.
 */
export function eraseAuditContent(db: Database, memoryId: string): void {
  db.query("UPDATE audit SET content_before = NULL, detail = '{}' WHERE memory_id = ?").run(memoryId);
}

/** Entries matching `q`, newest first. */
export function auditLog(db: Database, q: AuditQuery, codec: ContentCodec): AuditRecord[] {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (q.memoryId !== undefined) (where.push("memory_id = ?"), params.push(q.memoryId));
  if (q.op !== undefined) (where.push("op = ?"), params.push(q.op));
  // A kind of actor ("mcp", "hook") takes in each of its clients and sessions ("mcp:claude-code/1.0", "hook:abc123");
  // a client without a version ("mcp:claude-code") each of its versions: `audit --help` offers that form, and it
  // matched nothing (QA).
  if (q.actor !== undefined) {
    const below = q.actor.includes(":") ? `${q.actor}/` : `${q.actor}:`;
    where.push("(actor = ? OR substr(actor, 1, ?) = ?)");
    params.push(q.actor, below.length, below);
  }
  if (q.since !== undefined) (where.push("at >= ?"), params.push(q.since));
  if (q.until !== undefined) (where.push("at < ?"), params.push(q.until));
  const rows = db
    .query(
      `SELECT seq, at, actor, op, memory_id, hash_before, hash_after, content_before, detail, entry_hash FROM audit
       ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`,
    )
    .all(...params, q.limit) as Array<AuditRow & { seq: number; entry_hash: unknown }>;
  return rows.map((r) => ({ ...toEntry(r, codec), seq: r.seq, entryHash: hashText(r.entry_hash) }));
}

/** Distinct memory ids of the log starting with `part` (through audit_memory), or else ending with it (a scan). */
export function loggedIds(db: Database, part: string, limit: number): string[] {
  const starting = db
    .query("SELECT DISTINCT memory_id FROM audit WHERE memory_id >= ? AND memory_id < ? ORDER BY memory_id LIMIT ?")
    .all(part, `${part}\uffff`, limit) as Array<{ memory_id: string }>;
  if (starting.length > 0) return starting.map((r) => r.memory_id);
  const ending = db
    .query("SELECT DISTINCT memory_id FROM audit WHERE substr(memory_id, -?) = ? LIMIT ?")
    .all(part.length, part, limit) as Array<{ memory_id: string }>;
  return ending.map((r) => r.memory_id);
}

/**
 * In an encrypted store, every entry's old text and details are sealed and bound to their entry (AEAD): each
 * is opened here, so one altered, or moved from another entry, is named by `audit verify` (it was found only
 * when `audit log` happened to read it, and then stopped the whole listing). Text can also be blanked without
 * the key (old text NULL, details `{}`), which only an erase does: such an entry must belong to a memory whose
 * log records one (a purge, `erase_history`, or a rewrite that erased its history: details naming the
 * `source` or `quoted` memory). The first entry that fails, or null. A plain store's texts are outside the
 * chain (audit-chain.ts): nothing to check.
 */
export function sealedAuditProblem(db: Database, codec: ContentCodec): { seq: number; problem: string; memory?: string } | null {
  if (!codec.encrypted) return null;
  type Row = { seq: number; at: number; op: string; memory_id: string; hash_before: unknown; hash_after: unknown; content_before: string | null; detail: string };
  const rows = db.query("SELECT seq, at, op, memory_id, hash_before, hash_after, content_before, detail FROM audit ORDER BY seq");
  // Entries from before the store was encrypted kept their plain empty details ("{}") as they were.
  const sealedFrom = (db.query("SELECT created_at FROM encryption WHERE id = 1").get() as { created_at: number } | null)?.created_at ?? 0;
  const erasedIn = new Set<string>();
  const blanked: Row[] = [];
  for (const r of rows.iterate() as Iterable<Row>) {
    const what = `audit entry ${r.seq}`;
    let detail: Record<string, unknown> = {};
    try {
      if (r.content_before !== null) codec.decode(r.content_before, place("audit", "content_before", r.seq), what);
      if (r.detail !== "{}") detail = JSON.parse(codec.decode(r.detail, place("audit", "detail", r.seq), what)) as Record<string, unknown>;
    } catch {
      return { seq: r.seq, problem: "its sealed old text or details fail their integrity check (altered, or moved from another entry)" };
    }
    if (r.op === "purge" || r.op === "erase_history" || "source" in detail || "quoted" in detail) erasedIn.add(r.memory_id);
    const textGone = r.op === "update" && r.content_before === null && hashText(r.hash_before) !== hashText(r.hash_after);
    if (r.at >= sealedFrom && (r.detail === "{}" || textGone)) blanked.push(r);
  }
  const unexplained = blanked.find((r) => !erasedIn.has(r.memory_id));
  return unexplained ? { seq: unexplained.seq, problem: "its old text or details were blanked, and nothing in the log erased them (no purge or erase of the memory)" } : null;
}
