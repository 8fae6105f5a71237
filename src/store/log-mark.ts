/**
 * @module A position in one of the change logs the index files follow (`vector_log`, `text_log`): the entry's
 * id and its stamp, a random number each entry gets when it is logged (migration 12). An id alone does not
 * say which history it belongs to: a database replaced by an older copy of itself, then written to, logs new
 * entries under ids a file beside it already reflects, and catching the file up from there would skip those
 * writes and keep what the copy never had, silently. The stamp tells the two histories apart: a file (or an
 * index in memory) is caught up only while the entry at its position still holds the stamp it saw there.
 */
import type { Database } from "bun:sqlite";

export interface LogMark {
  /** The log id reflected (0: nothing was logged yet). */
  id: number;
  /** The stamp of entry `id`; 0 when there is none (id 0, or an entry logged before stamps or pruned since). */
  stamp: number;
}

export type ChangeLog = "vector_log" | "text_log";

/** SQL for a fresh stamp: random, never 0, exact as a JavaScript number (53 bits). */
export const STAMP_SQL = "((random() & 9007199254740991) | 1)";

const NO_MARK: LogMark = { id: 0, stamp: 0 };

/** The stamp the entry `id` of `log` holds now (0 when there is none). */
function stampAt(db: Database, log: ChangeLog, id: number): number {
  if (id === 0) return 0;
  const row = db.query(`SELECT stamp FROM ${log} WHERE id = ?`).get(id) as { stamp: number } | null;
  return row?.stamp ?? 0;
}

/** The newest entry of `log` (AUTOINCREMENT's high-water mark: ids are never reused) and its stamp. */
export function logHead(db: Database, log: ChangeLog): LogMark {
  const row = db.query(`SELECT seq AS id, (SELECT stamp FROM ${log} WHERE id = seq) AS stamp FROM sqlite_sequence WHERE name = ?`).get(log) as {
    id: number;
    stamp: number | null;
  } | null;
  return row ? { id: row.id, stamp: row.stamp ?? 0 } : NO_MARK;
}

/**
 * Whether the entry at `mark` is still the one its reader saw: `mark` belongs to this database's history. A mark
 * without a stamp (nothing logged yet, or a file written before stamps, whose header bytes for it are zero)
 * cannot be checked: it is taken on its id alone, as before stamps.
 */
export function stillLogged(db: Database, log: ChangeLog, mark: LogMark): boolean {
  return sameEntry(mark.stamp, stampAt(db, log, mark.id));
}

/** Whether an entry now holding stamp `now` is the one a reader saw holding `seen` (0 seen: not checked). */
export function sameEntry(seen: number, now: number): boolean {
  return seen === 0 || seen === now;
}
