/** @module Opening the SQLite database: file permissions, read-only fallback, pragmas for many concurrent processes, busy retry. */
import { Database } from "bun:sqlite";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { CairnError, cairnError, describeError } from "../errors.ts";
import { checkDatabaseFile } from "./file-check.ts";
import { fileUri, openReadOnly, READ_ONLY_FLAGS, readOnlyError, unwritable, writeFailure } from "./write-access.ts";
import { onDisk } from "./db-path.ts";

/** How long SQLite itself waits for another process's lock before reporting SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000;

/** The page cache of every connection (SQLite's negative-KiB form: 16 MB). */
export const CACHE_KIB = -16_000;

/** Why each read-only connection was opened that way: its writes are refused with this error, up front. */
const refusals = new WeakMap<Database, CairnError>();

/** Connections opened with a shorter wait for other processes' locks than {@link BUSY_TIMEOUT_MS}. */
const lockWaits = new WeakMap<Database, number>();

/**
 * Puts `db`'s wait for other processes' locks back to what it was opened with, after an operation waited
 * differently (a bounded write, a checkpoint).
 */
function restoreBusyTimeout(db: Database): void {
  db.run(`PRAGMA busy_timeout = ${lockWaits.get(db) ?? BUSY_TIMEOUT_MS}`);
}

/**
 * Runs `fn` with `db` waiting at most `waitMs` for other processes' locks, then puts the connection's own
 * wait back ({@link restoreBusyTimeout}), whatever `fn` did.
 */
export function withLockWait<T>(db: Database, waitMs: number, fn: () => T): T {
  db.run(`PRAGMA busy_timeout = ${waitMs}`);
  try {
    return fn();
  } finally {
    restoreBusyTimeout(db);
  }
}

/** The error every write on `db` gets, when it was opened read-only (see {@link openDatabase}); else null. */
export function writeRefusal(db: Database): CairnError | null {
  return refusals.get(db) ?? null;
}

/** Makes every write on `db` fail up front with `refusal`, as on a database {@link openDatabase} opened read-only. */
export function refuseWrites(db: Database, refusal: CairnError): void {
  refusals.set(db, refusal);
}

/**
 * Opens (creating if needed) the database at `path`, or an in-memory one for `":memory:"`.
 * The directory is made 0700 and the file 0600 before SQLite touches it, so memories are never
 * readable by other users, not even for an instant. An existing file must look like a sound database
 * (file-check.ts): an empty one is refused, never taken for a new store. A file that cannot be written (a
 * read-only directory, file or disk) or whose disk is too full to open it is opened read-only, and
 * {@link writeRefusal} says why: reads work, writes fail up front with DB_READ_ONLY or DB_FULL.
 */
export function openDatabase(path: string, opts: { readOnly?: boolean; lockWaitMs?: number } = {}): Database {
  if (opts.readOnly && path !== ":memory:") return openRefusingWrites(path, readOnlyError(path, "it was opened for reading only"), opts.lockWaitMs);
  const readOnly = path === ":memory:" ? null : prepareFile(path);
  if (readOnly) return openRefusingWrites(path, readOnly, opts.lockWaitMs);
  let db: Database;
  try {
    db = new Database(path, { create: true, strict: true });
  } catch (err) {
    throw writeFailure(err, path) ?? cairnError("DB_OPEN", [path, describeError(err)], err);
  }
  try {
    waitForLocks(db, opts.lockWaitMs);
    if (path !== ":memory:") boundedOrRetried(opts.lockWaitMs, () => db.run("PRAGMA journal_mode = WAL"));
    configure(db);
  } catch (err) {
    db.close();
    // No space for the -shm index SQLite needs even to read: open without it, for reading.
    const failure = writeFailure(err, path);
    if (failure?.code === "DB_FULL") return openRefusingWrites(path, failure);
    throw failure ?? cairnError("DB_OPEN", [path, describeError(err)], err);
  }
  return db;
}

/**
 * Turns on `secure_delete` for `db`: freed pages are zeroed, so a purged memory's text does not linger in the
 * file (see scrub.ts). SQLite keeps this per connection, not in the file, so every connection cairn opens
 * sets it (read-write, read-only, the creator's and salvage's); another tool writing the file would not.
 */
export function secureDelete(db: Database): Database {
  db.run("PRAGMA secure_delete = ON");
  return db;
}

function configure(db: Database): void {
  db.run("PRAGMA synchronous = NORMAL");
  db.run("PRAGMA foreign_keys = ON");
  secureDelete(db);
  db.run("PRAGMA temp_store = MEMORY");
  db.run(`PRAGMA cache_size = ${CACHE_KIB}`);
  // Reads through the OS page cache instead of copying pages: measured 2× faster cold recalls at 10k+.
  db.run(`PRAGMA mmap_size = ${mmapSize(db.filename)}`);
}

/** The whole file up to 256 MB (100k memories: ~180 MB; without the map MCP recall took 28 ms, not 22). */
const MMAP_FULL = 256 * 2 ** 20;
/**
 * A larger file gets a smaller window: 256 MB is then only a slice of it anyway (1.8 GB at 1M memories), and
 * the mapped pages count in a long-lived process's resident set. Measured at 1M: MCP hybrid p50 within noise
 * at 256, 64 or 0 MB (115, 112, 119 ms); a 64 MB window keeps 192 MB out of the resident set.
 */
const MMAP_LARGE = 64 * 2 ** 20;

/**
 * For a process whose keyword searches run on a reader connection (search-thread.ts): the file's map stays
 * with the reader, which scans the FTS index, and `db` reads through the page cache. Mapped twice, the same
 * pages count twice in the resident set: `cairn mcp` at 100k memories 457–461 MB → 299 MB this way (hybrid
 * p50 12.5–12.9 → 13.2–13.8 ms), at 1M 290–330 MB → 274–286 MB (the bound is 300), p50 about the same.
 */
export function leaveMapToReader(db: Database): void {
  db.run("PRAGMA mmap_size = 0");
}

function mmapSize(path: string): number {
  try {
    return !onDisk(path) || statSync(path).size <= 2 * MMAP_FULL ? MMAP_FULL : MMAP_LARGE;
  } catch {
    return MMAP_FULL;
  }
}

/**
 * Sets how long `db` waits for other processes' locks: {@link BUSY_TIMEOUT_MS}, or `lockWaitMs` for a caller on
 * a clock (a hook). SQLite waits synchronously, so no timer of the caller's can fire meanwhile: a hook whose
 * read met a database locked by a stopped process stalled its agent for the whole wait (13.6 s measured).
 */
function waitForLocks(db: Database, lockWaitMs: number | undefined): void {
  if (lockWaitMs !== undefined) lockWaits.set(db, lockWaitMs);
  restoreBusyTimeout(db);
}

/** `fn` once within the bounded wait (DB_BUSY past it), or retried as {@link withBusyRetry} does. */
function boundedOrRetried<T>(lockWaitMs: number | undefined, fn: () => T): T {
  if (lockWaitMs === undefined) return withBusyRetry(fn);
  try {
    return fn();
  } catch (err) {
    throw isBusy(err) ? cairnError("DB_BUSY", [lockWaitMs], err) : err;
  }
}

function openRefusingWrites(path: string, refusal: CairnError, lockWaitMs?: number): Database {
  let db: Database;
  try {
    db = openReadOnly(path);
  } catch (err) {
    // Not even readable: say what is wrong with the disk, and why reading failed too.
    const [file, why, dir] = refusal.args;
    throw cairnError(refusal.code, [file ?? path, `${why}; reading failed too: ${describeError(err)}`, dir ?? ""], err);
  }
  waitForLocks(db, lockWaitMs);
  configure(db);
  refusals.set(db, refusal);
  return db;
}

/**
 * A second connection that only reads, for a search thread: read-only, with the main connection's cache and
 * map settings. Never the `immutable` fallback of a read-only disk, which would not see later commits: where
 * plain read-only opening fails, the caller searches on its main connection instead.
 */
export function openReader(path: string): Database {
  const db = secureDelete(new Database(fileUri(path, "mode=ro"), READ_ONLY_FLAGS));
  try {
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.run(`PRAGMA cache_size = ${CACHE_KIB}`);
    db.run(`PRAGMA mmap_size = ${mmapSize(path)}`);
    db.query("PRAGMA schema_version").get();
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Readies the directory and file; returns why they cannot be written (then the store is opened read-only). */
function prepareFile(path: string): CairnError | null {
  const dir = dirname(path);
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const dirLocked = !tryPrivate(dir);
    const exists = existsSync(path);
    if (exists) checkDatabaseFile(path, { walPresent: existsSync(`${path}-wal`) });
    // chmod succeeds for the owner unless the file system is read-only; only when it fails, or the owner took the
    // write bit away, is writing asked about.
    const fileLocked = exists && !tryPrivate(path);
    const why = dirLocked || fileLocked ? (unwritable(path) ?? ownerReadOnly(dirLocked ? dir : path)) : null;
    if (why) {
      // Nothing to read, and no way to create it.
      if (!exists) throw readOnlyError(path, `${why}, and no database exists there yet`);
      return readOnlyError(path, why);
    }
    if (!exists) {
      createDatabaseFile(path);
      chmodSync(path, 0o600);
    }
    return null;
  } catch (err) {
    if (err instanceof CairnError) throw err;
    throw writeFailure(err, path) ?? cairnError("DB_OPEN", [path, describeError(err)], err);
  }
}

/**
 * Takes group and other permissions off `target`, leaving the owner's as they are: false when the file system
 * refuses it, or when the owner has no write permission (a folder or file its owner made read-only was made
 * writable again by any command: QA). Then writability is checked.
 */
function tryPrivate(target: string): boolean {
  try {
    const mode = statSync(target).mode & 0o777;
    // Asked even when nothing changes: a read-only file system refuses it (EROFS), which is how it is told.
    chmodSync(target, mode & 0o700);
    return (mode & 0o200) !== 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "EROFS" || code === "EPERM" || code === "EACCES") return false;
    throw err;
  }
}

/**
 * Creates an empty database in WAL mode under a temporary name and links it into place, so the file at `path`
 * is never empty (an empty one is then never cairn's: see file-check.ts). Creators take turns through a lock
 * file: only a creator that finds no database under the lock may clear a -wal/-shm left at the path.
 */
/** Why `target` is read-only when only its mode says so (root may write anyway; the owner's choice stands). */
function ownerReadOnly(target: string): string {
  return `its owner made ${target} read-only (mode ${(statSync(target).mode & 0o777).toString(8)})`;
}

function createDatabaseFile(path: string): void {
  const lock = `${path}.creating`;
  const release = takeCreateLock(lock);
  try {
    if (existsSync(path)) return; // another process created it while this one waited
    // A -wal or -shm without its database belongs to a deleted one: a new database would read its pages.
    for (const suffix of ["-wal", "-shm"]) rmSync(path + suffix, { force: true });
    const tmp = `${path}.new-${process.pid}`;
    try {
      rmSync(tmp, { force: true });
      closeSync(openSync(tmp, "wx", 0o600));
      const db = secureDelete(new Database(tmp, { strict: true }));
      try {
        db.run("PRAGMA journal_mode = WAL"); // writes page 1, with the mode in the header
      } finally {
        db.close();
      }
      renameSync(tmp, path);
    } finally {
      for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
    }
  } finally {
    release();
  }
}

/** A lock older than this was left by a creator that died; creating takes milliseconds. */
const STALE_LOCK_MS = 10_000;

function takeCreateLock(lock: string): () => void {
  const deadline = Date.now() + 2 * STALE_LOCK_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx", 0o600));
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST" || Date.now() > deadline) throw err;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
      else Bun.sleepSync(2);
    }
  }
}

export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED" || /database is locked/i.test(describeError(err));
}

const MAX_ATTEMPTS = 6;

/**
 * Runs `fn`, retrying with jittered backoff when another process holds the lock past busy_timeout
 * (which happens only under heavy write contention). After the last attempt the error says what to do.
 */
export function withBusyRetry<T>(fn: () => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err)) throw err;
      if (attempt >= MAX_ATTEMPTS) throw cairnError("DB_BUSY", [BUSY_TIMEOUT_MS * attempt], err);
      Bun.sleepSync(Math.round(20 * 2 ** attempt * (0.5 + Math.random())));
    }
  }
}

/** Runs `fn` inside `BEGIN IMMEDIATE` (taking the write lock up front, so it never deadlocks on upgrade). */
export function writeTransaction<T>(db: Database, fn: () => T): T {
  const refusal = refusals.get(db);
  if (refusal) throw refusal;
  try {
    return withBusyRetry(() => db.transaction(fn).immediate());
  } catch (err) {
    // A disk that filled up or went read-only under a running process: the transaction was rolled back.
    throw writeFailure(err, db.filename) ?? err;
  }
}
