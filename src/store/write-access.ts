/**
 * @module Whether the database can take writes, and what a failed write means: a read-only file, directory or
 * disk, or a full one. Such a store is opened read-only (recall keeps working) and its write failures become
 * DB_READ_ONLY / DB_FULL with a way out, instead of "Internal error" or "Cannot open".
 */
import { Database, constants } from "bun:sqlite";
import { accessSync, constants as fsConstants, statSync, statfsSync } from "node:fs";
import { dirname } from "node:path";
import { CairnError, cairnError, describeError } from "../errors.ts";

/** Less free space than this makes an I/O error a full disk (SQLite needs whole pages, the WAL more). */
const FULL_BELOW_BYTES = 64 * 1024;

const READ_ONLY_ERRNOS = new Set(["EROFS", "EACCES", "EPERM"]);

/** DB_READ_ONLY for `path`: `why` says what is not writable. */
export function readOnlyError(path: string, why: string, cause?: unknown): CairnError {
  return cairnError("DB_READ_ONLY", [path, why, dirname(path)], cause);
}

/** DB_FULL for `path`: `why` is the failure seen. */
export function diskFullError(path: string, why: string, cause?: unknown): CairnError {
  return cairnError("DB_FULL", [path, why, dirname(path)], cause);
}

/**
 * Why the directory or the file at `path` cannot be written (read-only file system, no permission), or null.
 * Asked only when cairn could not chmod them, so the usual open pays nothing for it.
 */
export function unwritable(path: string): string | null {
  for (const target of [dirname(path), path]) {
    try {
      accessSync(target, fsConstants.W_OK);
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      if (code === "ENOENT") continue;
      if (code === "EROFS") return `${target} is on a read-only file system`;
      return `no write permission on ${target} (${code || describeError(err)})`;
    }
  }
  return null;
}

/** True when the file system holding `path` has (almost) no space left. */
export function diskFull(path: string): boolean {
  try {
    const s = statfsSync(dirname(path));
    return s.bavail * s.bsize < FULL_BELOW_BYTES;
  } catch {
    return false;
  }
}

/**
 * A write that failed because the file or disk refuses it, as DB_READ_ONLY or DB_FULL for `path`; null for
 * anything else (a bug, a damaged file, a lock), which keeps its own handling. SQLite reports a full disk as
 * SQLITE_FULL, or as an I/O error when the shared-memory index could not grow; the latter is told apart by
 * the free space left.
 */
export function writeFailure(err: unknown, path: string): CairnError | null {
  if (err instanceof CairnError) return err.code === "DB_READ_ONLY" || err.code === "DB_FULL" ? err : null;
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  const what = describeError(err);
  if (code === "SQLITE_FULL" || code === "ENOSPC" || code === "EDQUOT") return diskFullError(path, what, err);
  if (code.startsWith("SQLITE_READONLY") || READ_ONLY_ERRNOS.has(code)) return readOnlyError(path, what, err);
  if ((code.startsWith("SQLITE_IOERR") || code === "SQLITE_CANTOPEN") && path !== ":memory:" && diskFull(path)) {
    return diskFullError(path, `${what}; no space is left on the disk`, err);
  }
  return null;
}

/** Open flags of a read-only connection by URI. */
export const READ_ONLY_FLAGS = constants.SQLITE_OPEN_READONLY | constants.SQLITE_OPEN_URI;

/** The `file:` URI of `path` with `query` (mode=ro, immutable=1), for {@link READ_ONLY_FLAGS}. */
export function fileUri(path: string, query: string): string {
  return `file:${encodeURI(path).replace(/[?#]/g, encodeURIComponent)}?${query}`;
}

/**
 * Opens `path` for reading only. SQLite needs the -shm index to read a WAL database; where it cannot create
 * one (a read-only directory, a full disk) and no write-ahead log holds commits, the file is opened as
 * `immutable`, which reads it without the index or locks.
 */
export function openReadOnly(path: string): Database {
  let db = new Database(fileUri(path, "mode=ro"), READ_ONLY_FLAGS);
  try {
    db.query("PRAGMA schema_version").get(); // SQLite opens lazily: this is where the -shm is needed
    return db;
  } catch (err) {
    db.close();
    const wal = statSync(`${path}-wal`, { throwIfNoEntry: false });
    if (wal && wal.size > 0) throw err; // commits still in the log would be missing from what is read
  }
  db = new Database(fileUri(path, "immutable=1"), READ_ONLY_FLAGS);
  db.query("PRAGMA schema_version").get();
  return db;
}
