/**
 * @module Where a database lives: a file on disk, or SQLite's in-memory (":memory:") or private temporary ("")
 * database, which have no directory to keep files beside them (keys, index files, logs) and no other process.
 */
import { dirname, join } from "node:path";

/** Whether `path` names a database file on disk (not ":memory:" or ""). */
export function onDisk(path: string): boolean {
  return path !== "" && path !== ":memory:";
}

/** The file `name` beside the database at `dbFile`; null for a database not on disk. */
export function besideDatabase(dbFile: string, name: string): string | null {
  return onDisk(dbFile) ? join(dirname(dbFile), name) : null;
}
