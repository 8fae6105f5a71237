/**
 * @module The per-store secret that keys the content hashes kept in the audit log. A plain SHA-256 of a short
 * erased text (a phone number, a codename) can be found again by hashing guesses; an HMAC-SHA-256 under a
 * secret cannot, unless the secret is read too. The secret is `<data dir>/audit.key` (0600, 32 random bytes,
 * made on first use); whoever holds both the database and that file can still test guesses.
 */
import { chmodSync, closeSync, existsSync, linkSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import type { Database } from "bun:sqlite";
import { cairnError } from "../errors.ts";
import type { ChainReport } from "./audit-chain.ts";
import { besideDatabase } from "./db-path.ts";

/** Stored keyed hashes start with this, so they are told apart from plain ones written before (schema ≤ 5). */
export const KEYED_PREFIX = "hmac:";

/**
 * store_state keys: where the era of the audit key / of the current encryption key starts, as
 * "<first audit entry>:<first memory seq>" (a memory made since must have an entry: audit-memories.ts).
 */
export const KEYED_FROM = "audit_keyed_from";
export const SEALED_FROM = "audit_sealed_from";
/** The seq the next memory row will have at least (SQL). */
const NEXT_MEMORY = "(SELECT coalesce(max(seq), 0) + 1 FROM memories)";

const keys = new Map<string, string>();

/** The key file of the store at `dbFile` (null for an in-memory store: its key lives as long as the process). */
export function auditKeyFile(dbFile: string): string | null {
  return besideDatabase(dbFile, "audit.key");
}

/**
 * A data folder whose database is gone, -wal and -shm with it, while its audit key stays had a store that was
 * deleted or moved: an empty one made in its place would answer every command, and `audit verify` would call
 * its empty log intact (QA re-check). DATABASE_GONE until the database is back, or the key is moved away to start
 * anew. Never creates. A database file deleted under a process that had it open leaves its -wal and -shm: that
 * process makes the new store, and the others may too (the live-deletion recovery, test/faults/db-replaced).
 */
export function assertDatabaseHere(dbFile: string): void {
  const key = auditKeyFile(dbFile);
  const here = () => existsSync(dbFile) || existsSync(`${dbFile}-wal`) || existsSync(`${dbFile}-shm`);
  if (here() || key === null || !existsSync(key)) return;
  // A process that had the deleted file open removes its -wal and -shm and makes the new store a moment later:
  // not refused in between (the live-deletion test failed whenever a one-shot command looked in that moment).
  for (let waited = 0; waited < SETTLE_MS; waited += 25) {
    Bun.sleepSync(25);
    if (here()) return;
  }
  throw cairnError("DATABASE_GONE", [dbFile, key]);
}

/** How long a store found gone is looked for again before it is refused (rare: a command then starts 0.3 s late). */
const SETTLE_MS = 300;

/** The secret for `dbFile`, created (0600, exclusive create so two first writers agree) when missing. */
export function auditKey(dbFile: string): string {
  const file = auditKeyFile(dbFile);
  const cacheKey = file ?? ":memory:";
  let key = keys.get(cacheKey);
  if (key) return key;
  key = file ? readOrCreate(file) : Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");
  keys.set(cacheKey, key);
  return key;
}

function readOrCreate(file: string): string {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (existsSync(file)) {
      const text = readFileSync(file, "utf8").trim();
      if (/^[0-9a-f]{64}$/.test(text)) return text;
      // Written by a creator that has not finished yet: read again (an empty or cut file is never kept below).
      if (attempt < 2) continue;
      throw cairnError("AUDIT_KEY_BAD", [file]);
    }
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, `${key}\n`);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o600);
    try {
      // link fails when another process put its key there first: then that one is the key.
      linkSync(tmp, file);
      return key;
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * The keyed form of a content hash (HMAC-SHA-256 under the store's secret of the content's SHA-256), as the
 * audit log stores it; an already keyed hash or null is returned unchanged (salvage copies keyed entries).
 */
export function keyedHash(dbFile: string, hash: string | null): string | null {
  if (hash === null || hash.startsWith(KEYED_PREFIX)) return hash;
  return KEYED_PREFIX + new Bun.CryptoHasher("sha256", auditKey(dbFile)).update(hash).digest("hex");
}

/** What the database keeps of the audit key: a value that tells it from another key, not the key. */
export function auditKeyCheck(key: string): string {
  return new Bun.CryptoHasher("sha256", key).update("cairn audit key check v1").digest("hex").slice(0, 32);
}

/** Databases whose audit key check this process has recorded (once a process: it writes only when absent). */
const recorded = new Set<string>();

/**
 * Records, inside the caller's write transaction, which audit key the log's hashes are keyed with (`store_state`
 * `audit_key_check`, migration 22), the first time this process keys a hash for `dbFile`: a deleted `audit.key`
 * is made anew on the next write, silently, and every receipt from before can no longer be checked; doctor
 * tells it by this value.
 */
export function recordAuditKeyCheck(db: Database, dbFile: string, seq: number): void {
  if (recorded.has(dbFile)) return;
  db.query("INSERT OR IGNORE INTO store_state (key, value) VALUES ('audit_key_check', ?)").run(auditKeyCheck(auditKey(dbFile)));
  // The first entry keyed under this key since the store was made or last decrypted (audit-memories.ts).
  db.query(`INSERT OR IGNORE INTO store_state (key, value) SELECT ?, ? || ':' || ${NEXT_MEMORY}`).run(KEYED_FROM, String(seq));
  recorded.add(dbFile);
}

/**
 * From the next audit entry on, content hashes are keyed under the store's key as it is now (audit-memories.ts
 * reads each era under its own key): an encrypted store's from that entry, a plain store's from its next keyed
 * entry (recorded by {@link recordAuditKeyCheck}). Inside the write transaction that encrypts, re-keys or
 * decrypts the store, or creates it encrypted.
 */
export function startKeyingEra(db: Database, encrypted: boolean): void {
  forgetKeyingEras(db);
  if (encrypted) db.query(`INSERT INTO store_state (key, value) SELECT ?, (SELECT coalesce(max(seq), 0) + 1 FROM audit) || ':' || ${NEXT_MEMORY}`).run(SEALED_FROM);
}

/** Entries copied in from elsewhere (a repair's salvage) come under no known era: none is checked until the next begins. */
export function forgetKeyingEras(db: Database): void {
  db.query("DELETE FROM store_state WHERE key IN (?, ?)").run(KEYED_FROM, SEALED_FROM);
  recorded.delete(db.filename);
}

/**
 * Whether the audit key beside `dbFile` is the one the log's hashes were keyed with: "ok", "missing" (deleted:
 * the next write makes another), "other" (replaced or made anew), "invalid" (not a key: every write fails), or
 * "unknown" (nothing recorded yet, or an
 * encrypted store, whose hashes are keyed under the user's key). Never creates the key file.
 */
export function auditKeyState(db: Database, dbFile: string): "ok" | "missing" | "other" | "invalid" | "unknown" {
  const row = db.query("SELECT value FROM store_state WHERE key = 'audit_key_check'").get() as { value: string } | null;
  if (!row) return "unknown";
  const file = auditKeyFile(dbFile);
  if (file === null) return "unknown";
  if (!existsSync(file)) return "missing";
  // Read afresh, not through this process's cache: the file may have been replaced since.
  const text = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(text)) return "invalid";
  return auditKeyCheck(text) === row.value ? "ok" : "other";
}

/**
 * `chain` with why the memories were not compared with it, when a plain store's audit.key is gone or another:
 * deleting it switched the memory check off without a word (QA).
 */
export function notedUnchecked(chain: ChainReport, state: () => ReturnType<typeof auditKeyState>): ChainReport {
  if (!chain.ok) return chain;
  const key = state();
  return key === "missing" || key === "other" ? { ...chain, memoriesUnchecked: key } : chain;
}

/**
 * Once a store is encrypted, its content hashes are keyed under the user's key: `audit.key` only keys those of
 * the entries written while it was plain, and anyone holding it beside the database could test guesses of their
 * (erased) texts. It goes, with its check value, so a later decrypt starts a key of its own (QA: it was left
 * behind, unused). Those older hashes then can be tested by nobody.
 */
export function retireAuditKey(db: Database): void {
  db.query("DELETE FROM store_state WHERE key = 'audit_key_check'").run();
  recorded.delete(db.filename);
}

/** After the transaction that called {@link retireAuditKey} committed: the key file goes. */
export function removeAuditKeyFile(dbFile: string): void {
  const file = auditKeyFile(dbFile);
  keys.delete(file ?? ":memory:");
  if (file !== null) rmSync(file, { force: true });
}
