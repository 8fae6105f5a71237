/** @module `cairn doctor`'s check of free space inside the database file, returned to the disk on repair. */
import { describeError } from "../errors.ts";
import { compact, freeSpace, worthCompacting } from "../store/free-space.ts";
import type { SqliteStore } from "../store/sqlite-store.ts";
import { progress } from "./output.ts";

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export function freeSpaceCheck(store: SqliteStore, repair: boolean): { name: string; level: "ok" | "info" | "warn"; detail: string } {
  const name = "free space";
  try {
    const before = freeSpace(store.database);
    if (!worthCompacting(before, repair)) return { name, level: "ok", detail: `${mib(before.freeBytes)} of ${mib(before.fileBytes)} free inside the database file (reused by later writes)` };
    if (!repair) {
      return {
        name,
        level: "info",
        detail: `${mib(before.freeBytes)} of ${mib(before.fileBytes)} free inside the database file (left by deletions or an upgrade; reused by later writes): \`cairn doctor --repair\` gives it back to the disk`,
      };
    }
    progress(`doctor: compacting the database file (${mib(before.freeBytes)} free; it is rewritten whole, which needs as much room again meanwhile)…`);
    const started = performance.now();
    const after = compact(store.database);
    const s = ((performance.now() - started) / 1000).toFixed(1);
    return { name, level: "ok", detail: `compacted: ${mib(before.fileBytes)} → ${mib(after.fileBytes)} in ${s} s` };
  } catch (err) {
    // A full disk, or another process's write in the way: nothing is lost, the file stays as it was.
    return { name, level: "warn", detail: `cannot ${repair ? "compact" : "measure"} the free space: ${describeError(err)}` };
  }
}
