/**
 * @module `cairn doctor --repair`: when the database file is damaged (or empty), copies what can be read into a
 * new database (salvage.ts), keeps the damaged file (and its -wal/-shm) under `<file>.damaged-<time>`, and puts
 * the new one in place with one rename, so there is never a moment without a database at the path. The new one
 * is whole (checkpointed, its log emptied, synced) before it moves; a repair that cannot finish (a full disk)
 * removes its copy and leaves the damaged file as it was.
 */
import { clearDamageMark } from "./damage-mark.ts";
import { unwritable, writeFailure } from "./write-access.ts";
import { describeError } from "../errors.ts";
import { closeSync, copyFileSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statfsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { removeDeadLeftovers } from "./leftovers.ts";
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
  const removeFresh = () => {
    for (const f of [fresh, `${fresh}-wal`, `${fresh}-shm`]) rmSync(f, { force: true });
  };
  removeFresh();
  removeDeadLeftovers(dbFile);
  const short = tooLittleSpace(dbFile);
  if (short) return { repaired: false, failed: true, detail: `${short}; ${dbFile} was left as it is. Free some space there and run \`cairn doctor --repair\` again` };
  let salvaged: SalvageReport;
  try {
    const target = new SqliteStore(fresh, targetOptions(dbFile, unlock));
    try {
      // Written through system calls only: mapped, the pages a checkpoint adds to the file are holes until written,
      // and reading one on a full tmpfs raised SIGBUS ("Bus error", QA), killing the repair half-way.
      target.database.run("PRAGMA mmap_size = 0");
      salvaged = salvage(dbFile, target);
      if (salvaged.memories > 0 || salvaged.unreadable === 0) settle(target.database, fresh);
    } finally {
      target.close();
    }
    // Closing checkpoints again; a log left with content would be read by nothing once the file is renamed (QA).
    if ((statSync(`${fresh}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0) throw new Error(`the new database's write-ahead log could not be emptied into it`);
  } catch (err) {
    removeFresh();
    const full = writeFailure(err, dbFile);
    if (full?.code !== "DB_FULL") throw err;
    return { repaired: false, failed: true, detail: `the disk ran out of space while the repair copied the database (${describeError(err)}); ${dbFile} was left as it is and nothing was put in its place. Free at least ${megabytes(needed(dbFile))} there and run \`cairn doctor --repair\` again` };
  }
  if (salvaged.memories === 0 && salvaged.unreadable > 0) {
    // An empty store in its place would pass every later check while the file may still hold what a backup, or
    // an expert, can recover: it stays where it is.
    removeFresh();
    return { repaired: false, failed: true, detail: `the database is damaged (${problem}) and no memory could be read from it; it was left as it is. Restore it from a backup` };
  }
  try {
    linkSync(dbFile, kept);
  } catch {
    try {
      copyFileSync(dbFile, kept); // no hard links on this file system
    } catch (err) {
      rmSync(kept, { force: true });
      removeFresh();
      throw err;
    }
  }
  // The damaged file's WAL goes with it: it may hold its newest pages, and must not be read into the new file.
  for (const suffix of ["-wal", "-shm"]) if (existsSync(dbFile + suffix)) renameSync(dbFile + suffix, kept + suffix);
  rmSync(`${fresh}-shm`, { force: true });
  rmSync(`${fresh}-wal`, { force: true });
  renameSync(fresh, dbFile);
  clearDamageMark(dbFile);
  return { repaired: true, problem, damagedFile: kept, salvaged };
}

/**
 * The copy made whole before it takes the damaged file's place: every page moved from its write-ahead log into the
 * file, the log emptied, the file synced. Renamed with content still in its log, the new `cairn.db` was unreadable
 * (its log keeps the old name, which SQLite does not read for the new one; QA on a full disk).
 */
function settle(db: Database, fresh: string): void {
  const r = db.query("PRAGMA wal_checkpoint(TRUNCATE)").get() as { busy: number; log: number; checkpointed: number } | null;
  if (r && (r.busy !== 0 || r.log !== r.checkpointed)) throw new Error(`the new database's write-ahead log could not be emptied into it (${JSON.stringify(r)})`);
  const fd = openSync(fresh, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The space a repair needs, at most: the copy can be as large as the damaged file, and its log as large again
 * before it is emptied into it.
 */
function needed(dbFile: string): number {
  const size = (f: string) => statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  return 2 * (size(dbFile) + size(`${dbFile}-wal`));
}

/** Why the repair cannot start for want of space (less free than the damaged file's size), or null. */
function tooLittleSpace(dbFile: string): string | null {
  let free: number;
  try {
    const s = statfsSync(dirname(dbFile));
    free = s.bavail * s.bsize;
  } catch {
    return null; // cannot tell: the repair finds out, and leaves the file as it is if it runs out
  }
  const least = needed(dbFile) / 2;
  return free < least ? `a repair needs room for a copy of the database, up to ${megabytes(needed(dbFile))}, and the disk holding it has ${megabytes(free)} free` : null;
}

const megabytes = (bytes: number) => `${Math.max(0.1, Math.round(bytes / 1e5) / 10)} MB`;
