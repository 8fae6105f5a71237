/**
 * @module `cairn doctor --repair`: when the database file is damaged (or empty), copies what can be read into a
 * new database (salvage.ts), keeps the damaged file (and its -wal/-shm) under `<file>.damaged-<time>`, and puts
 * the new one in place with one rename, so there is never a moment without a database at the path.
 */
import { clearDamageMark } from "./damage-mark.ts";
import { unwritable } from "./write-access.ts";
import { copyFileSync, existsSync, linkSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { processAlive } from "../process-alive.ts";
import { type SalvageReport, diagnose, salvage } from "./salvage.ts";
import { Database } from "bun:sqlite";
import { secureDelete } from "./db.ts";
import { SqliteStore, type StoreOptions } from "./sqlite-store.ts";
import { AeadCodec } from "./aead-codec.ts";
import { type EncryptionRecord, readEncryption } from "./encryption-record.ts";
import { type UnlockOptions, unlockKey } from "../keys/unlock.ts";

export type RepairOutcome =
  | { repaired: false; detail: string; failed?: true }
  | { repaired: true; problem: string; damagedFile: string; salvaged: SalvageReport };

/**
 * The new database of an encrypted store is encrypted alike: the same record (store id, key check, scrypt
 * parameters) and key, so salvage decodes and re-encodes with it and the same key opens the result.
 */
function targetOptions(dbFile: string, unlock: UnlockOptions | undefined): StoreOptions {
  let record: EncryptionRecord | null = null;
  try {
    const db = secureDelete(new Database(dbFile, { readonly: true }));
    try {
      record = readEncryption(db, { before: true });
    } finally {
      db.close();
    }
  } catch {
    // too damaged to say: salvage reads what it can as a plain store
  }
  if (!record) return {};
  return { codec: new AeadCodec(unlockKey(record, dbFile, unlock).key, dbFile), newRecord: record };
}

export function repairDatabase(dbFile: string, now: Date = new Date(), unlock?: UnlockOptions): RepairOutcome {
  if (!existsSync(dbFile)) return { repaired: false, detail: `no database at ${dbFile} yet; nothing to repair` };
  // Not damage: nothing can be repaired (or needs to be) where nothing can be written.
  const locked = unwritable(dbFile);
  if (locked) return { repaired: false, failed: true, detail: `cannot repair: ${locked}; make it writable first (the database may well be sound: reads work)` };
  const problem = diagnose(dbFile, existsSync(`${dbFile}-wal`));
  if (problem === null) {
    // A mark left by a check that saw damage the file no longer has (its WAL was since checkpointed or rolled back).
    clearDamageMark(dbFile);
    // Said of the database only: the index files beside it are checked (and rebuilt) by their own lines (QA).
    return { repaired: false, detail: "the database's integrity check passed; the database needs no repair" };
  }
  const kept = `${dbFile}.damaged-${now.toISOString().replace(/[:.]/g, "-")}`;
  const fresh = `${dbFile}.repair-${process.pid}`;
  for (const f of [fresh, `${fresh}-wal`, `${fresh}-shm`]) rmSync(f, { force: true });
  removeDeadRepairs(dbFile);
  const target = new SqliteStore(fresh, targetOptions(dbFile, unlock));
  let salvaged: SalvageReport;
  try {
    salvaged = salvage(dbFile, target);
  } catch (err) {
    target.close();
    for (const f of [fresh, `${fresh}-wal`, `${fresh}-shm`]) rmSync(f, { force: true });
    throw err;
  }
  target.close();
  if (salvaged.memories === 0 && salvaged.unreadable > 0) {
    // An empty store in its place would pass every later check while the file may still hold what a backup, or
    // an expert, can recover: it stays where it is.
    for (const f of [fresh, `${fresh}-wal`, `${fresh}-shm`]) rmSync(f, { force: true });
    return { repaired: false, failed: true, detail: `the database is damaged (${problem}) and no memory could be read from it; it was left as it is. Restore it from a backup` };
  }
  try {
    linkSync(dbFile, kept);
  } catch {
    copyFileSync(dbFile, kept); // no hard links on this file system
  }
  // The damaged file's WAL goes with it: it may hold its newest pages, and must not be read into the new file.
  for (const suffix of ["-wal", "-shm"]) if (existsSync(dbFile + suffix)) renameSync(dbFile + suffix, kept + suffix);
  renameSync(fresh, dbFile);
  clearDamageMark(dbFile);
  return { repaired: true, problem, damagedFile: kept, salvaged };
}

/** New databases an interrupted repair left (`<db>.repair-<pid>`, its WAL): their process is gone. */
function removeDeadRepairs(dbFile: string): void {
  const prefix = `${basename(dbFile)}.repair-`;
  let names: string[];
  try {
    names = readdirSync(dirname(dbFile));
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(/^(\d+)(?:-wal|-shm)?$/.exec(n.slice(prefix.length))?.[1]);
    if (n.startsWith(prefix) && Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) rmSync(join(dirname(dbFile), n), { force: true });
  }
}
