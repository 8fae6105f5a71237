/**
 * @module A store's one connection, kept on the file that is at its path now. Long-lived processes (`cairn mcp`,
 * the hook daemon) outlive files: a user deletes or replaces cairn.db, or its -wal and -shm, and a connection
 * that went on writing would acknowledge memories into an unlinked file. So before each write transaction the
 * device and inode of the database, -wal and -shm files are compared with those this connection opened
 * (three stat calls, ~1.5 µs), and before reads those of the database file (one). Long-lived processes also
 * run `PRAGMA quick_check` before their first write on each connection (~60 ms at 10k memories, once), and
 * refuse writes to a database that fails it; a large file is checked on a thread of its own at a quiet moment
 * (integrity-check.ts), so requests go on meanwhile.
 */
import { constants, type Database } from "bun:sqlite";
import { statSync, unlinkSync } from "node:fs";
import { type CairnError, cairnError, describeError } from "../errors.ts";
import { writeRefusal } from "./db.ts";
import { diskFull, unwritable } from "./write-access.ts";
import { log } from "../log.ts";
import { BackgroundCheck, markOn, quickCheck } from "./integrity-check.ts";
import { markDamaged, markedError } from "./damage-mark.ts";
import { SCHEMA_VERSION } from "./migrations.ts";

/** How often a long-lived connection's reads look for a damage mark another process left (a stat, ~2 µs). */
const MARK_CHECK_MS = 500;

/**
 * From this size a quiet-moment check runs on a thread of its own: `PRAGMA quick_check` takes ~0.5 s at 64 MB
 * (~35k memories with vectors), 8–28 s at 1M memories.
 */
export const BACKGROUND_CHECK_FROM = 64 * 2 ** 20;

/** Device and inode of the database file and its two WAL companions; "" where a file is absent. */
interface FileIds {
  db: string;
  wal: string;
  shm: string;
}

export interface LiveOptions {
  /** Run `PRAGMA quick_check` before the first write of each connection (for long-lived processes). */
  verifyBeforeWrite?: boolean;
  /** Open for reading only, as on a read-only disk: writes fail with DB_READ_ONLY, access counts are skipped. */
  readOnly?: boolean;
  /** From how many bytes of database {@link LiveDatabase.checkNow} checks on a thread (default {@link BACKGROUND_CHECK_FROM}). */
  backgroundCheckFrom?: number;
}

export class LiveDatabase {
  readonly path: string;
  readonly #open: (path: string) => Database;
  readonly #memory: boolean;
  readonly #verify: boolean;
  /** Opened read-only on request: stays so whatever the disk allows. */
  readonly #readOnly: boolean;
  /** Null after a reopen failed (e.g. the new file is empty): every call tries again, so fixing the file heals it. */
  #db: Database | null;
  #ids: FileIds;
  #closed = false;
  #generation = 0;
  /** "" until checked; "ok" once quick_check passed on this connection; otherwise what it found. */
  #verdict = "";
  readonly #backgroundFrom: number;
  /** The check of this connection's file running on its own thread (a reopen stops it). */
  #background: BackgroundCheck | null = null;

  /** `open` opens and migrates the database at a path; it runs again for every reopen. */
  constructor(path: string, open: (path: string) => Database, opts: LiveOptions = {}) {
    this.path = path;
    this.#open = open;
    this.#memory = path === ":memory:";
    this.#verify = opts.verifyBeforeWrite === true && !this.#memory;
    this.#readOnly = opts.readOnly === true;
    this.#backgroundFrom = opts.backgroundCheckFrom ?? BACKGROUND_CHECK_FROM;
    this.#db = open(path);
    this.#ids = this.#idsNow();
  }

  /** The connection as it is, unchecked: a transaction must finish on the connection it began on. */
  get current(): Database {
    return this.#db ?? this.#openAgain("unusable until now");
  }

  /** Counts reopens, so anything keyed on the connection (change tokens, statement caches) starts over. */
  get generation(): number {
    return this.#generation;
  }

  /** For reads: the connection, reopened first if the database file was replaced or deleted. */
  read(): Database {
    if (this.#db === null) return this.#openAgain("unusable until now");
    if (this.#memory || this.#db.inTransaction) return this.#db;
    if (fileId(this.path) !== this.#ids.db) return this.#reopen(this.#db, this.#idsNow());
    this.#refuseMarked(false);
    this.#refuseNewer(this.#db, false);
    return this.#db;
  }

  /** When the schema version was last read (reads look at most every {@link MARK_CHECK_MS}). */
  #schemaCheckedAt = 0;

  /**
   * A newer cairn upgraded the file while this connection was open (an agent's `cairn mcp` or the hook daemon
   * lives across an upgrade of the binary): this process does not know the new schema, so it refuses the file
   * as its one-shot commands do (DB_TOO_NEW) instead of writing in its own format (QA: an older server's writes
   * into the upgraded file broke the audit chain for good). Before every write; reads at most every 500 ms.
   */
  #refuseNewer(db: Database, always: boolean): void {
    if (this.#memory) return;
    // Once seen, every call is refused (QA: reads between two looks went on reading the newer file).
    if (this.#newer) throw this.#newer;
    const now = performance.now();
    if (!always && now - this.#schemaCheckedAt < MARK_CHECK_MS) return;
    this.#schemaCheckedAt = now;
    const version = (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
    if (version > SCHEMA_VERSION) throw (this.#newer = cairnError("DB_TOO_NEW", [version, SCHEMA_VERSION]));
  }

  /** The refusal of a file a newer cairn upgraded, once seen. */
  #newer: CairnError | null = null;

  /** When a damage mark was last looked for (reads look at most every {@link MARK_CHECK_MS} while none is found). */
  #markCheckedAt = 0;
  /** The last look found a mark: every call looks again (until it is gone), none goes through meanwhile. */
  #marked = false;

  /**
   * Another process found the file damaged and marked it (damage-mark.ts): this long-lived connection refuses
   * it too, reads and writes, instead of going on with it (`cairn mcp` and the hook daemon did).
   */
  #refuseMarked(always: boolean): void {
    if (this.#memory) return;
    const now = performance.now();
    if (!always && !this.#marked && now - this.#markCheckedAt < MARK_CHECK_MS) return;
    this.#markCheckedAt = now;
    const mark = markOn(this.path);
    this.#marked = mark !== null;
    if (mark) throw markedError(this.path, mark);
  }

  /** Before a write transaction: also reopened when the -wal or -shm file is gone or another one. */
  write(): Database {
    let db = this.#db ?? this.#openAgain("unusable until now");
    if (this.#memory || db.inTransaction) return db;
    const now = this.#idsNow();
    if (this.#changed(now)) db = this.#reopen(db, now);
    let refusal = writeRefusal(db);
    if (refusal && this.#mayWriteNow(refusal)) {
      // Opened read-only while the disk was full or read-only; that changed, so writing may work again.
      db.close();
      this.#db = null;
      db = this.#openAgain(`opened read-only (${refusal.code === "DB_FULL" ? "disk full" : "not writable"}) and is writable again`);
      refusal = writeRefusal(db);
    }
    if (refusal) throw refusal;
    this.#refuseMarked(true);
    this.#refuseNewer(db, true);
    if (this.#verify && this.#verdict !== "ok") this.#quickCheck();
    return db;
  }

  /** Why writes are refused (the file, its directory or its disk is read-only, or the disk was full at open), or null. */
  get refusal(): CairnError | null {
    const db = this.#db;
    return db ? writeRefusal(db) : null;
  }

  /** Whether what made the connection read-only has passed (asked only when a write meets the refusal). */
  #mayWriteNow(refusal: CairnError): boolean {
    if (this.#readOnly) return false;
    return refusal.code === "DB_FULL" ? !diskFull(this.path) : unwritable(this.path) === null;
  }

  /**
   * Whether a write may go ahead without first running the integrity check: no check is asked for, or it
   * already ran on this connection (its verdict, good or bad, is known).
   */
  get checked(): boolean {
    this.#takeBackgroundVerdict();
    return !this.#verify || this.#verdict !== "";
  }

  /**
   * Runs the check before the first write now, when the caller chooses (a long-lived process, once quiet): here
   * for a small file, on a thread of its own for a large one (its verdict taken at a later call, or by `checked`
   * or a write). A thread that failed leaves the check to be run here.
   */
  checkNow(): void {
    if (!this.#verify || this.#verdict !== "" || this.#db === null || this.#takeBackgroundVerdict() || this.#checksInBackground()) return;
    try {
      this.#quickCheck();
    } catch {
      // The verdict is kept: the next write is refused with it.
    }
  }

  /**
   * Whether this connection's check runs on a thread: it does (started now if needed) for a large file, until
   * a thread fails without a verdict; then the check is left to this thread.
   */
  #checksInBackground(): boolean {
    if (this.#background) return this.#background.running;
    if (fileSize(this.path) < this.#backgroundFrom) return false;
    this.#background = new BackgroundCheck(this.path);
    return true;
  }

  /** Takes the thread's verdict when it has one for this connection; whether it did. */
  #takeBackgroundVerdict(): boolean {
    const verdict = this.#verdict === "" ? (this.#background?.verdict ?? null) : null;
    if (verdict === null) return false;
    this.#verdict = verdict;
    this.#background = null;
    return true;
  }

  #stopBackground(): void {
    this.#background?.stop();
    this.#background = null;
  }

  /**
   * Refuses writes to a damaged file: each would build on pages that are already wrong. A large file's check
   * runs on its thread, started now if it was not: a write before its verdict goes ahead unchecked, as a
   * one-shot command's does (checking here first made the first write of `cairn mcp` at 1M take 11 s).
   */
  #quickCheck(): void {
    if (this.#verdict === "" && !this.#takeBackgroundVerdict() && this.#checksInBackground()) return;
    // On a connection of its own, not `db` (integrity-check.ts quickCheck: this one's view of the full-text
    // index may be older than the file).
    if (this.#verdict === "") this.#verdict = quickCheck(this.path);
    if (this.#verdict !== "ok") {
      // Every process refuses the file from now on, one-shot commands (which do not check it) included.
      markDamaged(this.path, `PRAGMA quick_check: ${this.#verdict}`);
      throw cairnError("DB_CORRUPT", [this.path, `PRAGMA quick_check: ${this.#verdict}`]);
    }
  }

  close(): void {
    this.#closed = true;
    this.#stopBackground();
    const db = this.#db;
    this.#db = null;
    if (!db) return;
    // A connection whose files were swapped must not delete, on its way out, the -wal and -shm now at the
    // path: SQLite removes them by name when the last connection closes, and they may be another database's.
    if (!this.#memory && this.#changed(this.#idsNow())) this.#keepCompanions(db);
    db.close();
  }

  #changed(now: FileIds): boolean {
    const was = this.#ids;
    // Without a WAL at open (a file system without shared memory), only the database file is watched.
    return now.db !== was.db || (was.wal !== "" && (now.wal !== was.wal || now.shm !== was.shm));
  }

  #reopen(old: Database, now: FileIds): Database {
    const was = this.#ids;
    const sameFile = now.db === was.db;
    if (sameFile) {
      // The -wal or -shm was deleted: this connection still holds the WAL open, with every commit not yet
      // copied into the database file. Copy them now, or those acknowledged writes go with the unlinked file.
      try {
        old.run("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch (err) {
        log.warn(`could not move the write-ahead log into ${this.path} before reopening: ${describeError(err)}`);
      }
    }
    this.#keepCompanions(old);
    old.close();
    this.#db = null;
    // The -wal and -shm of the file this connection had open belong to no database at this path any more: a
    // new connection would read their pages into the new file (or, for a lone -shm, index a WAL it is not).
    for (const [suffix, id] of [["-wal", was.wal], ["-shm", was.shm]] as const) {
      if (id !== "" && fileId(this.path + suffix) === id) safeUnlink(this.path + suffix);
    }
    return this.#openAgain(now.db === "" ? "deleted; a new empty store was created there" : sameFile ? "left without its -wal/-shm files" : "replaced");
  }

  /** Opens the file now at the path; on failure (an empty or damaged file) the error says what to do. */
  #openAgain(what: string): Database {
    if (this.#closed) throw new Error(`the store at ${this.path} was closed`);
    const db = this.#open(this.path);
    this.#db = db;
    this.#ids = this.#idsNow();
    this.#generation++;
    this.#verdict = "";
    this.#stopBackground();
    log.warn(`the memory database ${this.path} was ${what}; reopened it`);
    return db;
  }

  /** Makes closing `db` leave the -wal and -shm files at the path alone (SQLITE_FCNTL_PERSIST_WAL). */
  #keepCompanions(db: Database): void {
    try {
      db.fileControl(constants.SQLITE_FCNTL_PERSIST_WAL, 1);
    } catch (err) {
      log.debug(`could not keep the WAL on close: ${describeError(err)}`);
    }
  }

  #idsNow(): FileIds {
    return { db: fileId(this.path), wal: fileId(`${this.path}-wal`), shm: fileId(`${this.path}-shm`) };
  }
}

/** Device and inode: they change when a file is replaced or recreated, not when it is written. */
export function fileId(file: string): string {
  const s = statSync(file, { throwIfNoEntry: false });
  return s ? `${s.dev}:${s.ino}` : "";
}

/** The file's size in bytes with its write-ahead log (what a check reads); 0 when absent. */
function fileSize(file: string): number {
  return (statSync(file, { throwIfNoEntry: false })?.size ?? 0) + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
}

function safeUnlink(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    log.debug(`could not remove ${file}: ${describeError(err)}`);
  }
}
