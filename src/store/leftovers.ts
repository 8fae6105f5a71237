/**
 * @module Files a cairn process that was killed or failed left beside the database, which nothing finishes once
 * its process is gone: `<name>.<pid>.tmp` (a file written whole and then renamed into place: erase-pending.json,
 * audit.key, …; a full disk left them empty) and `<db>.repair-<pid>` with its -wal and -shm (the new database of
 * a repair that did not finish, memories in it). `doctor` names them, `doctor --repair` removes them (QA: none was
 * reported). A live process's files are left alone.
 */
import { readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { processAlive } from "../process-alive.ts";

/** The pid in the name of a leftover beside `dbFile`, or null when the name is not one. */
function leftoverPid(dbFile: string, name: string): number | null {
  const repair = `${basename(dbFile)}.repair-`;
  const match = name.startsWith(repair) ? /^(\d+)(?:-wal|-shm)?$/.exec(name.slice(repair.length)) : /^.+\.(\d+)\.tmp$/.exec(name);
  const pid = Number(match?.[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** Leftovers beside `dbFile` whose process is gone (paths). */
export function deadLeftovers(dbFile: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dirname(dbFile));
  } catch {
    return [];
  }
  return names
    .filter((n) => {
      const pid = leftoverPid(dbFile, n);
      return pid !== null && pid !== process.pid && !processAlive(pid);
    })
    .sort()
    .map((n) => join(dirname(dbFile), n));
}

/** Removes the leftovers beside `dbFile` whose process is gone; returns their paths. */
export function removeDeadLeftovers(dbFile: string): string[] {
  return deadLeftovers(dbFile).filter((path) => {
    try {
      rmSync(path, { force: true });
      return true;
    } catch {
      return false; // not ours to remove: named again by the next doctor
    }
  });
}
