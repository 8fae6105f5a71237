/**
 * @module Re-encoding a whole store from one codec to another: `cairn encrypt` (plain → AEAD), `cairn decrypt`
 * (AEAD → plain) and `cairn key rotate` (AEAD → AEAD under a new key). It runs in ONE write transaction on the
 * live database, so it is atomic and other cairn processes simply wait for it (no file swap racing their
 * connections); a backup copy (`VACUUM INTO`, 0600) is kept until the new state has been verified and
 * committed. Afterwards the file is vacuumed and the WAL emptied, so no page of the old encoding is left.
 */
import type { Database } from "bun:sqlite";
import { closeSync, openSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { cairnError, describeError } from "../errors.ts";
import { removeAuditKeyFile, retireAuditKey, startKeyingEra } from "./audit-key.ts";
import { type ContentCodec, logSeal, place } from "./content-codec.ts";
import { resealLogs } from "../log-file.ts";
import { log } from "../log.ts";
import { writeTransaction } from "./db.ts";
import { type EncryptionRecord, writeEncryption } from "./encryption-record.ts";
import { ftsInsert } from "./fts.ts";
import { readTarget, storedTarget } from "./policy-sql.ts";
import { MEMORY_COLUMNS, type MemoryRow, memoryValues, PROJECT_DOMAIN, rowToMemory, storedTag, UPDATE_SQL } from "./rows.ts";
import { recordPending, truncateWal } from "./pending-erasure.ts";
import { writeFailure } from "./write-access.ts";
import { scrubDeleted } from "./scrub.ts";
import { SERVER_PASSWORD_PLACE, TEAM_KEY_PLACE } from "./sync-log.ts";
import { vectorPlace } from "./vectors.ts";
import type { ScrubOutcome } from "./store.ts";
import { onDisk } from "./db-path.ts";

export interface RecodeReport {
  memories: number;
  auditEntries: number;
  /** Where the copy of the old state was kept while re-encoding (removed once it succeeded). */
  backup: string | null;
  scrub: ScrubOutcome;
  /** Why the file could not be rewritten without the old encoding's pages after the commit (a full disk), or null. */
  rewriteFailed: string | null;
}

/** Progress callback: what is being re-encoded and how far. */
export type RecodeProgress = (what: string, done: number, total: number) => void;

export function recode(db: Database, from: ContentCodec, to: ContentCodec, record: EncryptionRecord | null, progress?: RecodeProgress): RecodeReport {
  if (onDisk(db.filename)) removeStaleBackups(db.filename);
  const backup = onDisk(db.filename) ? `${db.filename}.backup-${Date.now()}` : null;
  if (backup) {
    try {
      closeSync(openSync(backup, "wx", 0o600));
      db.query("VACUUM INTO ?").run(backup);
    } catch (err) {
      // Nothing was changed yet: the partial copy goes, and a full disk is said as one (QA: "Internal error").
      rmSync(backup, { force: true });
      throw writeFailure(err, db.filename) ?? err;
    }
  }
  let memories = 0;
  let auditEntries = 0;
  try {
    writeTransaction(db, () => {
      // Re-encoding changes no memory: the sync triggers record nothing meanwhile (every shared memory was sent
      // to the team again after each encrypt, decrypt or key rotate).
      const mode = (db.query("SELECT value FROM sync_local WHERE key = 'mode'").get() as { value: number } | null)?.value ?? 0;
      db.run("UPDATE sync_local SET value = 0 WHERE key = 'mode'");
      memories = recodeMemories(db, from, to, progress);
      auditEntries = recodeAudit(db, from, to);
      recodeVectors(db, from, to);
      recodeAliases(db, from, to);
      recodePolicy(db, from, to);
      recodeTeamKey(db, from, to);
      writeEncryption(db, record);
      startKeyingEra(db, to.encrypted);
      if (!from.encrypted && to.encrypted) retireAuditKey(db);
      // Index files hold vectors and words in the clear: a writer that read before this must not publish one
      // (vector-file.ts, text-index-file.ts), as after a purge.
      db.run("UPDATE vector_index_state SET value = value + 1 WHERE key = 'erase'");
      db.query("UPDATE sync_local SET value = ? WHERE key = 'mode'").run(mode);
      verify(db, to, memories);
    });
  } catch (err) {
    // Nothing was committed: the store is as it was, and so the backup is not needed.
    if (backup) rmSync(backup, { force: true });
    throw err;
  }
  // Committed: the store is under the new encoding whatever follows, and nothing after may fail the re-encoding
  // (QA: a VACUUM out of disk space made `encrypt` fail after its commit, and it deleted the key the store was
  // now under). The copy of the old state goes first: not needed any more, and its room lets the VACUUM run.
  try {
    if (backup) rmSync(backup, { force: true });
    if (!from.encrypted && to.encrypted && onDisk(db.filename)) removeAuditKeyFile(db.filename);
    if (onDisk(db.filename)) resealBeside(db.filename, from, to);
    return { memories, auditEntries, backup, ...rewriteWithoutOld(db) };
  } catch (err) {
    // Should a step after the commit fail all the same, it is said as what it is: the store IS re-encoded (QA: a
    // failure here was reported as KEY_CHANGED, "nothing was written", of a store now under a new key file).
    throw cairnError("RECODED_THEN_FAILED", [db.filename, to.encrypted ? (from.encrypted ? "under its new key" : "encrypted") : "decrypted (plain)", describeError(err)], err);
  }
}

/**
 * The logs beside the database follow its new encoding (log-file.ts resealLogs): sealed under the old key, their
 * lines were unreadable after a rotation or a decrypt, and plain ones stayed in the clear after an encrypt (QA). A
 * log that cannot be rewritten keeps its lines: the re-encoding is done.
 */
function resealBeside(dbFile: string, from: ContentCodec, to: ContentCodec): void {
  try {
    resealLogs(dirname(dbFile), logSeal(from), logSeal(to));
  } catch (err) {
    log.warn(`the logs beside ${dbFile} were not re-sealed: ${describeError(err)}`);
  }
}

/**
 * The old encoding is in freed pages and the WAL: the file is rewritten and the log emptied. Freed pages are
 * zeroed (`secure_delete`) either way; the emptying of the log is recorded as pending first, as after a purge a
 * reader held up, so that when the rewrite fails (a full disk) the next write or `cairn doctor` finishes it. The
 * record is made before the VACUUM, which may take the disk's last room (QA: the record, made after it, failed
 * on a full disk and was thrown after the commit, as if nothing had been encrypted).
 */
function rewriteWithoutOld(db: Database): { scrub: ScrubOutcome; rewriteFailed: string | null } {
  let unrecorded: string | null = null;
  if (onDisk(db.filename)) {
    try {
      recordPending(db.filename, Date.now());
    } catch (err) {
      unrecorded = describeError(err);
    }
  }
  try {
    db.run("VACUUM");
    return { scrub: scrubDeleted(db, Date.now()), rewriteFailed: null };
  } catch (err) {
    const failed = (err as Error).message;
    if (unrecorded === null) return { scrub: { complete: false, holders: null }, rewriteFailed: failed };
    // Nothing recorded it for later: the log is emptied now if readers and the disk allow.
    if (truncateWal(db)) return { scrub: { complete: true }, rewriteFailed: failed };
    return { scrub: { complete: false, holders: null }, rewriteFailed: `${failed}; the erasure of the old pages could not be recorded for later either (${unrecorded}): they stay in the WAL file until a checkpoint empties it` };
  }
}

/**
 * Copies an interrupted re-encoding left beside the database (killed between its backup and the removal of
 * it). The re-encoding is one transaction, so such a copy is never needed: the store holds either the old
 * state (the copy's) or the new, verified one — and then the copy is the old encoding, the plain text of a
 * store since encrypted. Returns the paths removed.
 */
export function removeStaleBackups(dbFile: string): string[] {
  return staleBackups(dbFile).map((name) => {
    const path = join(dirname(dbFile), name);
    rmSync(path, { force: true });
    return path;
  });
}

/** The names of re-encoding copies beside the database (see removeStaleBackups). */
export function staleBackups(dbFile: string): string[] {
  const prefix = `${basename(dbFile)}.backup-`;
  try {
    return readdirSync(dirname(dbFile)).filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)));
  } catch {
    return [];
  }
}

function recodeMemories(db: Database, from: ContentCodec, to: ContentCodec, progress?: RecodeProgress): number {
  const rows = db.query(`SELECT ${MEMORY_COLUMNS} FROM memories m ORDER BY m.seq`).all() as MemoryRow[];
  db.run("INSERT INTO memories_fts (memories_fts) VALUES ('delete-all')");
  db.run("DELETE FROM memory_tags");
  const update = db.query(UPDATE_SQL);
  const tag = db.query("INSERT OR IGNORE INTO memory_tags (tag, memory_seq) VALUES (?, ?)");
  rows.forEach((row, i) => {
    const m = rowToMemory(row, from);
    update.run(...memoryValues(to, m), row.seq);
    ftsInsert(db, row.seq, m, to);
    for (const t of m.tags) tag.run(storedTag(to, t), row.seq);
    if (progress && (i % 1000 === 999 || i === rows.length - 1)) progress("memories", i + 1, rows.length);
  });
  return rows.length;
}

type AuditTextRow = { seq: number; memory_id: string; content_before: string | null; detail: string };

function recodeAudit(db: Database, from: ContentCodec, to: ContentCodec): number {
  // The guard allows only erasing text; re-encoding it is the one other change, made with the guard off.
  const guard = db.query("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_only_purge'").get() as { sql: string } | null;
  db.run("DROP TRIGGER IF EXISTS audit_only_purge");
  const rows = db.query("SELECT seq, memory_id, content_before, detail FROM audit ORDER BY seq").all() as AuditTextRow[];
  const update = db.query("UPDATE audit SET content_before = ?, detail = ? WHERE seq = ?");
  for (const r of rows) {
    const what = `audit entry ${r.seq} (memory ${r.memory_id})`;
    const cb = place("audit", "content_before", r.seq);
    const dt = place("audit", "detail", r.seq);
    const before = r.content_before === null ? null : to.encode(from.decode(r.content_before, cb, what), cb);
    const detail = r.detail === "{}" ? "{}" : to.encode(from.decode(r.detail, dt, what), dt);
    update.run(before, detail, r.seq);
  }
  if (guard) db.run(guard.sql);
  return rows.length;
}

function recodeVectors(db: Database, from: ContentCodec, to: ContentCodec): void {
  const rows = db.query("SELECT memory_seq AS seq, model, vector FROM vectors").all() as Array<{ seq: number; model: string; vector: Uint8Array }>;
  const update = db.query("UPDATE vectors SET vector = ? WHERE memory_seq = ? AND model = ?");
  for (const r of rows) {
    const where = vectorPlace(r.model, r.seq);
    update.run(to.encodeBytes(from.decodeBytes(r.vector, where, `the vector of memory #${r.seq}`), where), r.seq, r.model);
  }
}

function recodeAliases(db: Database, from: ContentCodec, to: ContentCodec): void {
  const rows = db.query("SELECT alias, project FROM project_aliases").all() as Array<{ alias: string; project: string }>;
  db.run("DELETE FROM project_aliases");
  const insert = db.query("INSERT OR REPLACE INTO project_aliases (alias, project) VALUES (?, ?)");
  const move = (v: string) => to.encodeName(from.decodeName(v, PROJECT_DOMAIN, "a project alias"), PROJECT_DOMAIN);
  for (const r of rows) insert.run(move(r.alias), move(r.project));
}

function recodePolicy(db: Database, from: ContentCodec, to: ContentCodec): void {
  const rules = db.query("SELECT id, kind, target FROM retention_rules").all() as Array<{ id: string; kind: string; target: string }>;
  const rule = db.query("UPDATE retention_rules SET target = ? WHERE id = ?");
  for (const r of rules) rule.run(storedTarget(to, r.kind, readTarget(from, r.kind, r.target, `retention rule ${r.id}`)), r.id);
  type HoldRow = { id: string; kind: string; target: string; reason: string; release_reason: string | null };
  const holds = db.query("SELECT id, kind, target, reason, release_reason FROM holds").all() as HoldRow[];
  const hold = db.query("UPDATE holds SET target = ?, reason = ?, release_reason = ? WHERE id = ?");
  for (const h of holds) {
    const what = `hold ${h.id}`;
    const text = (column: string, v: string) => to.encode(from.decode(v, place("holds", column, h.id), what), place("holds", column, h.id));
    hold.run(
      storedTarget(to, h.kind, readTarget(from, h.kind, h.target, what)),
      text("reason", h.reason),
      h.release_reason === null ? null : text("release_reason", h.release_reason),
      h.id,
    );
  }
}

function recodeTeamKey(db: Database, from: ContentCodec, to: ContentCodec): void {
  const row = db.query("SELECT team_key, server_password FROM sync_secret WHERE id = 1").get() as { team_key: string; server_password: string | null } | null;
  if (!row) return;
  const password = row.server_password === null ? null : to.encode(from.decode(row.server_password, SERVER_PASSWORD_PLACE, "the sync server's password"), SERVER_PASSWORD_PLACE);
  db.query("UPDATE sync_secret SET team_key = ?, server_password = ? WHERE id = 1").run(to.encode(from.decode(row.team_key, TEAM_KEY_PLACE, "the team key"), TEAM_KEY_PLACE), password);
}

/** Inside the transaction: every memory decodes under the new codec, and the index agrees with the table. */
function verify(db: Database, to: ContentCodec, expected: number): void {
  const rows = db.query(`SELECT ${MEMORY_COLUMNS} FROM memories m`).all() as MemoryRow[];
  for (const row of rows) rowToMemory(row, to);
  const indexed = (db.query("SELECT count(*) AS n FROM memories_fts_docsize").get() as { n: number }).n;
  if (rows.length !== expected || indexed !== expected) {
    throw cairnError("INTERNAL", [`re-encoding checked ${rows.length} memories and ${indexed} index entries, expected ${expected}; nothing was changed`]);
  }
  db.run("INSERT INTO memories_fts (memories_fts) VALUES ('integrity-check')");
}

