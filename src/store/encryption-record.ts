/**
 * @module The record an encrypted store keeps about itself (table `encryption`, one row): that it is
 * encrypted, its id (which names its default key file), how a passphrase becomes its key (scrypt parameters and
 * salt) and a key check value, so a wrong key is told up front, before anything is read or written.
 */
import type { Database } from "bun:sqlite";
import { cairnError } from "../errors.ts";

export interface KdfParams {
  name: "scrypt";
  /** log2 of scrypt's cost N. */
  logN: number;
  r: number;
  p: number;
  /** hex */
  salt: string;
}

export interface EncryptionRecord {
  storeId: string;
  cipher: "aes-256-gcm";
  keyCheck: string;
  /** Null when the key is 32 random bytes (key file, CAIRN_KEY, keychain); set for a passphrase. */
  kdf: KdfParams | null;
  createdAt: number;
  /**
   * The store id it had before its last key rotation (kept by writeEncryption, from the record it replaces or
   * from this field when given): that id's default key file is no longer needed, and one still there is left
   * by a rotation killed after the switch.
   */
  before?: string;
}

/** store_state key of EncryptionRecord.before. */
const BEFORE_KEY = "store_id_before_rotation";

type Row = { store_id: string; cipher: string; key_check: string; kdf: string | null; created_at: number };

/**
 * The store's record, or null for a plain store. `before` is read only when asked (doctor, key rotation, a
 * repair's new database): opening a store does not need it.
 */
export function readEncryption(db: Database, opts: { before?: boolean } = {}): EncryptionRecord | null {
  let row: Row | null;
  try {
    row = db.query("SELECT store_id, cipher, key_check, kdf, created_at FROM encryption WHERE id = 1").get() as Row | null;
  } catch {
    return null; // a database older than the table (opened read-only before migrating)
  }
  if (!row) return null;
  let before: string | undefined;
  try {
    if (opts.before) before = (db.query(`SELECT value FROM store_state WHERE key = '${BEFORE_KEY}'`).get() as { value: string } | null)?.value;
  } catch {
    // a database older than store_state: never rotated since
  }
  return {
    ...(before ? { before } : {}),
    storeId: row.store_id,
    cipher: row.cipher as "aes-256-gcm",
    keyCheck: row.key_check,
    kdf: row.kdf === null ? null : (JSON.parse(row.kdf) as KdfParams),
    createdAt: row.created_at,
  };
}

export function writeEncryption(db: Database, record: EncryptionRecord | null): void {
  const was = readEncryption(db);
  db.run("DELETE FROM encryption");
  // A key rotation: the store id it leaves names the key file the store no longer needs (EncryptionRecord.before).
  // A record carrying one (a repair's new database, made with the damaged one's record) keeps it.
  const before = was !== null && record !== null && was.storeId !== record.storeId ? was.storeId : record?.before;
  if (before !== undefined) db.query("INSERT OR REPLACE INTO store_state (key, value) VALUES (?, ?)").run(BEFORE_KEY, before);
  else if (record === null) db.query("DELETE FROM store_state WHERE key = ?").run(BEFORE_KEY);
  if (record === null) return;
  db.query("INSERT INTO encryption (id, store_id, cipher, key_check, kdf, created_at) VALUES (1, ?, ?, ?, ?, ?)").run(
    record.storeId, record.cipher, record.keyCheck, record.kdf === null ? null : JSON.stringify(record.kdf), record.createdAt,
  );
}

/** A record for a store about to be encrypted under a key with check value `keyCheck`. */
export function newRecord(keyCheck: string, kdf: KdfParams | null, now: number, storeId = crypto.randomUUID()): EncryptionRecord {
  return { storeId, cipher: "aes-256-gcm", keyCheck, kdf, createdAt: now };
}

/**
 * Fails with KEY_CHANGED when the store's record no longer matches the key check this process opened it
 * with: another process encrypted, decrypted or re-keyed it meanwhile (recode.ts works in place), and writing
 * now would store values in the old encoding. ~2 µs; run inside every write transaction.
 */
export function assertKeyCheck(db: Database, keyCheck: string | null, location: string): void {
  let now: string | null;
  try {
    now = (db.query("SELECT key_check FROM encryption WHERE id = 1").get() as { key_check: string } | null)?.key_check ?? null;
  } catch {
    return; // a store older than the table (read-only, not migrated): plain
  }
  if (now !== keyCheck) throw cairnError("KEY_CHANGED", [location, now === null ? "decrypted" : keyCheck === null ? "encrypted" : "re-keyed"]);
}
