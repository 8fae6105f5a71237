/**
 * @module The audit log as a hash chain. Each entry stores its own hash over its fixed fields (sequence, time,
 * actor, operation, memory id, the content hashes before and after) plus the hash of the entry before it
 * (entries older than migration 10 also store that previous hash, in prev_hash). Editing, deleting, inserting or reordering entries breaks the chain at that
 * point; the text an entry may carry (old content, details, reasons) is outside the chain, so erasing it
 * (`forget --hard`) keeps the chain whole. A head (count and last hash) kept elsewhere proves later that the
 * log only grew: every entry up to it must still hash to it.
 */
import type { Database } from "bun:sqlite";
import { hashText } from "./stored-hash.ts";

/** The previous hash of the first entry. */
export const GENESIS = "0".repeat(64);

export interface ChainFields {
  seq: number;
  at: number;
  actor: string;
  op: string;
  memory_id: string;
  hash_before: string | null;
  hash_after: string | null;
}

export interface AuditHead {
  /** Entries in the log. */
  count: number;
  /** Sequence number of the last entry (0 when empty). */
  seq: number;
  /** Hash of the last entry ({@link GENESIS} when empty). */
  hash: string;
}

/** A repair recorded in the log (salvage-audit.ts): its entry, and what it found of the log it rebuilt. */
export interface RepairNote {
  seq: number;
  at: number;
  /** Old entries copied, and those missing between them (lost with the damage, or removed). */
  read: number;
  missing: number;
  missingAt: string[];
}

export type ChainReport =
  | {
      ok: true;
      head: AuditHead;
      checked: number;
      /** Repairs that rebuilt the log, oldest first (none: absent). */
      rebuilt?: RepairNote[];
      /** The memories could not be compared with the log: a plain store's audit.key is gone or another (audit-key.ts). */
      memoriesUnchecked?: "missing" | "other";
    }
  | { ok: false; head: AuditHead; checked: number; brokenAt: number; problem: string; /** Set when the log verifies but this memory does not match it (audit-memories.ts). */ memory?: string; /** Set when the log verifies but this hold or rule does not match it (policy-audit.ts). */ policy?: string };

export function entryHash(f: ChainFields, prev: string): string {
  const text = JSON.stringify([f.seq, f.at, f.actor, f.op, f.memory_id, f.hash_before, f.hash_after, prev]);
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}

/** An entry's chained fields and links as stored: hashes as bytes or text (stored-hash.ts). */
export type StoredChainRow = Omit<ChainFields, "hash_before" | "hash_after"> & { hash_before: unknown; hash_after: unknown; prev_hash: unknown; entry_hash: unknown };

/** A stored entry's chained fields and links as the text they were hashed from. */
export function chainRow(r: StoredChainRow): ChainFields & { prev_hash: string | null; entry_hash: string | null } {
  return {
    seq: r.seq, at: r.at, actor: r.actor, op: r.op, memory_id: r.memory_id,
    hash_before: hashText(r.hash_before), hash_after: hashText(r.hash_after), prev_hash: hashText(r.prev_hash), entry_hash: hashText(r.entry_hash),
  };
}

/** The chain's current end, read inside the caller's write transaction (so writers form one line). */
export function chainTail(db: Database): { seq: number; hash: string } {
  const row = db.query("SELECT seq, entry_hash FROM audit ORDER BY seq DESC LIMIT 1").get() as { seq: number; entry_hash: unknown } | null;
  return row ? { seq: row.seq, hash: hashText(row.entry_hash) ?? GENESIS } : { seq: 0, hash: GENESIS };
}

export function auditHead(db: Database): AuditHead {
  const tail = chainTail(db);
  const { n } = db.query("SELECT count(*) AS n FROM audit").get() as { n: number };
  return { count: n, seq: tail.seq, hash: tail.hash };
}

/**
 * Walks the whole chain. With `anchor` (a head recorded earlier), also proves the log still holds that head:
 * the entry at its sequence number hashes to it and at least that many entries exist.
 */
export function verifyChain(db: Database, anchor?: { seq: number; hash: string }): ChainReport {
  const head = auditHead(db);
  const rows = db.query("SELECT seq, at, actor, op, memory_id, hash_before, hash_after, prev_hash, entry_hash FROM audit ORDER BY seq");
  let prev = GENESIS;
  let expectedSeq = 1;
  let checked = 0;
  let anchorSeen = anchor === undefined || anchor.seq === 0;
  const broken = (seq: number, problem: string): ChainReport => ({ ok: false, head, checked, brokenAt: seq, problem });
  for (const stored of rows.iterate() as Iterable<StoredChainRow>) {
    const r = chainRow(stored);
    if (r.seq !== expectedSeq) return broken(r.seq, `entry ${expectedSeq} is missing (the next one is ${r.seq})`);
    // Entries written since migration 10 store no link (NULL): their own hash, checked next, covers it.
    if (r.prev_hash !== null && r.prev_hash !== prev) return broken(r.seq, "its link to the entry before it does not match (an entry was removed, added or moved)");
    if (r.entry_hash !== entryHash(r, prev)) return broken(r.seq, "its fields no longer match its hash (it was edited)");
    if (anchor && r.seq === anchor.seq) {
      if (r.entry_hash !== anchor.hash) return broken(r.seq, "it is not the entry the anchor recorded (the log was rewritten)");
      anchorSeen = true;
    }
    prev = r.entry_hash;
    expectedSeq++;
    checked++;
  }
  if (!anchorSeen) return broken(anchor!.seq, `the log ends at entry ${head.seq}, before the anchor's entry ${anchor!.seq} (it was truncated)`);
  return { ok: true, head, checked };
}

/**
 * Links every entry written before the chain existed, in order (migration 5, which adds the chain: the
 * hashes are text until migration 18).
 */
export function backfillChain(db: Database): void {
  const update = db.query("UPDATE audit SET prev_hash = ?, entry_hash = ? WHERE seq = ?");
  let prev = GENESIS;
  const rows = db.query("SELECT seq, at, actor, op, memory_id, hash_before, hash_after FROM audit ORDER BY seq").all() as ChainFields[];
  for (const r of rows) {
    const hash = entryHash(r, prev);
    update.run(prev, hash, r.seq);
    prev = hash;
  }
}
