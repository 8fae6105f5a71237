/**
 * @module Whole copies of the store beside its database file that cairn keeps or may leave: `<db>.damaged-<time>`
 * (the damaged file `doctor --repair` set aside) and `<db>.backup-<time>` (a re-encoding cut short: recode.ts).
 * An erase cannot reach into them, so its receipt names them, and `doctor` reports them.
 */
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { staleBackups } from "./recode.ts";

/** Damaged files `doctor --repair` kept (their -wal and -shm companions are not listed apart). */
export function damagedCopies(dbFile: string): string[] {
  const prefix = `${basename(dbFile)}.damaged-`;
  try {
    return readdirSync(dirname(dbFile))
      .filter((n) => n.startsWith(prefix) && !/-(wal|shm)$/.test(n))
      .sort()
      .map((n) => join(dirname(dbFile), n));
  } catch {
    return [];
  }
}

/** Every whole copy of the store beside `dbFile` (paths). */
export function storeCopies(dbFile: string): string[] {
  return [...damagedCopies(dbFile), ...staleBackups(dbFile).map((n) => join(dirname(dbFile), n))];
}
