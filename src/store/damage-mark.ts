/**
 * @module A damaged database, once found, stays refused by every process: a mark beside it (`cairn.db.damaged`)
 * names the file (device and inode) and what was found. A one-shot command does not check the whole file (a
 * quick check reads all of it: ~60 ms at 10k memories), so before the mark a command that met no damaged page
 * answered from what was left and wrote into the file, while `stats` on the same file said it was damaged.
 * The mark is written only after a check of the whole file on a connection of its own confirms the damage
 * (integrity-check.ts), and removed once the file at the path is another one (`doctor --repair` puts a new
 * file there); a file changed since (a backup copied over it, or a checkpoint of writes made before the mark)
 * is checked again (integrity-check.ts markOn).
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cairnError, type CairnError } from "../errors.ts";

export interface DamageMark {
  /** Device and inode of the damaged file. */
  file: string;
  /** Its size and modification time when marked: other values mean it changed since. */
  state?: string;
  problem: string;
  at: number;
}

const markPath = (dbFile: string) => `${dbFile}.damaged`;

function fileStat(dbFile: string): { file: string; state: string } | null {
  try {
    const s = statSync(dbFile);
    return { file: `${s.dev}:${s.ino}`, state: `${s.size}:${Math.round(s.mtimeMs)}` };
  } catch {
    return null;
  }
}

/** Records that the file at `dbFile` is damaged (best effort: a read-only folder keeps no mark). */
export function markDamaged(dbFile: string, problem: string, now = Date.now()): void {
  const st = fileStat(dbFile);
  if (st === null) return;
  // SQLite's reports span lines under a "*** in database main ***" heading: one line here.
  const said = problem.replace(/\*\*\* in database \w+ \*\*\*\s*/g, "").replace(/\s*\n\s*/g, "; ");
  // Whole or not at all (a full disk left an empty mark): written beside, then renamed into place.
  const tmp = `${markPath(dbFile)}.${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify({ ...st, problem: said, at: now } satisfies DamageMark)}\n`, { mode: 0o600 });
    renameSync(tmp, markPath(dbFile));
  } catch {
    // the damage is reported all the same; only later processes will have to find it again
    rmSync(tmp, { force: true });
  }
}

/**
 * The mark on the file now at `dbFile` and whether the file changed since it was marked, or null (a mark of a
 * file since replaced is removed).
 */
export function damageMark(dbFile: string): { mark: DamageMark; changed: boolean } | null {
  // Asked at every open and before every write: a failed read (an exception) costs more than this stat.
  if (!existsSync(markPath(dbFile))) return null;
  let mark: DamageMark;
  try {
    mark = JSON.parse(readFileSync(markPath(dbFile), "utf8")) as DamageMark;
  } catch {
    return null; // removed meanwhile, or unreadable (an empty mark a full disk left)
  }
  const now = fileStat(dbFile);
  if (now !== null && mark.file === now.file) return { mark, changed: mark.state !== now.state };
  clearDamageMark(dbFile);
  return null;
}

export function clearDamageMark(dbFile: string): void {
  rmSync(markPath(dbFile), { force: true });
}

/** DB_CORRUPT for a marked file: what was found, and when. */
export function markedError(dbFile: string, mark: DamageMark): CairnError {
  return cairnError("DB_CORRUPT", [dbFile, `${mark.problem} (found ${new Date(mark.at).toISOString()})`]);
}
