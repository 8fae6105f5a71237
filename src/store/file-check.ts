/**
 * @module Checks of a database file before SQLite opens it, reading its first 100 bytes: an empty file, one that
 * is not SQLite, or one shorter than its header says. SQLite itself would take an empty file for a new database
 * (a truncated store silently became an empty one) and meet the others only on the pages it happens to read.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { cairnError } from "../errors.ts";

const MAGIC = "SQLite format 3\u0000";
const HEADER_BYTES = 100;

/** Throws DB_EMPTY or DB_CORRUPT when the file at `path` cannot be a sound cairn database. */
export function checkDatabaseFile(path: string, opts: { walPresent: boolean }): void {
  const fd = openSync(path, "r");
  let size: number;
  // A plain Uint8Array: Buffer's first use costs ~0.2 ms, on every command's start-up.
  const header = new Uint8Array(HEADER_BYTES);
  let read: number;
  try {
    size = fstatSync(fd).size;
    read = size === 0 ? 0 : readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (size === 0) throw cairnError("DB_EMPTY", [path]);
  const problem = headerProblem(header.subarray(0, read), size, opts.walPresent);
  if (problem) throw cairnError("DB_CORRUPT", [path, problem]);
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
