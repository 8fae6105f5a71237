/**
 * @module Checks of a database file before SQLite opens it, reading its first 100 bytes: an empty file, one that
 * is not SQLite, or one shorter than its header says. SQLite itself would take an empty file for a new database
 * (a truncated store silently became an empty one) and meet the others only on the pages it happens to read.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import { cairnError } from "../errors.ts";

const MAGIC = "SQLite format 3\u0000";
const HEADER_BYTES = 100;

/** Throws DB_EMPTY or DB_CORRUPT when the file at `path` cannot be a sound cairn database. */
export function checkDatabaseFile(path: string, opts: { walPresent: boolean }): void {
  const { header, size } = readHeader(path);
  if (size === 0) throw cairnError("DB_EMPTY", [path]);
  const problem = headerProblem(header, size, opts.walPresent);
  if (problem) throw cairnError("DB_CORRUPT", [path, problem]);
}

/** The first 100 bytes of the file at `path` (fewer when it is shorter), and its size. */
function readHeader(path: string): { header: Uint8Array; size: number } {
  const fd = openSync(path, "r");
  // A plain Uint8Array: Buffer's first use costs ~0.2 ms, on every command's start-up.
  const header = new Uint8Array(HEADER_BYTES);
  try {
    const size = fstatSync(fd).size;
    const read = size === 0 ? 0 : readSync(fd, header, 0, HEADER_BYTES, 0);
    return { header: header.subarray(0, read), size };
  } finally {
    closeSync(fd);
  }
}

/**
 * The schema version (`PRAGMA user_version`, header offset 60) of the file at `path` as it is on disk, without
 * SQLite (which would leave a write-ahead log beside a file cut short); null when it is no SQLite file, cannot be
 * read, or a write-ahead log beside it may hold a newer header.
 */
export function schemaVersionOnDisk(path: string): number | null {
  try {
    if ((statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0) return null;
    const { header, size } = readHeader(path);
    if (header.length < HEADER_BYTES || headerProblem(header, size, false) !== null) return null;
    return new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(60);
  } catch {
    return null;
  }
}

/** What is wrong with a database file of `size` bytes starting with `header`, or null. Exported for tests. */
export function headerProblem(header: Uint8Array, size: number, walPresent: boolean): string | null {
  if (header.length < HEADER_BYTES || [...MAGIC].some((c, i) => header[i] !== c.charCodeAt(0))) {
    return `it is ${size} bytes and does not start with SQLite's header`;
  }
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const raw = view.getUint16(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `its header gives an impossible page size (${raw})`;
  // While a WAL is live a checkpoint may be growing the file (page 1, with the new count, is written first),
  // so a short file is only a problem when no WAL is beside it.
  if (walPresent) return null;
  if (size % pageSize !== 0) return `it is ${size} bytes, not a whole number of ${pageSize}-byte pages: it was cut short`;
  // The page count in the header is valid when its "version-valid-for" matches the change counter.
  const pages = view.getUint32(28);
  if (view.getUint32(92) === view.getUint32(24) && pages * pageSize > size) {
    return `its header says ${pages} pages of ${pageSize} bytes but the file holds ${size / pageSize}: it was cut short`;
  }
  return null;
}
