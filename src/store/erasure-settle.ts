/**
 * @module What an erasure leaves to do once it committed, settled by the store: the rewrite of the full-text
 * index and the emptying of the write-ahead log (scrub.ts) this process's erasure owes, or another's that was
 * killed before doing it (recorded in its transaction: pending-erasure.ts markScrubOwed), and the checkpoint a
 * purge left pending while other connections held the log.
 */
import type { Database } from "bun:sqlite";
import { finishPending, readPending, scrubOwed } from "./pending-erasure.ts";
import { scrubDeleted } from "./scrub.ts";
import type { PendingErasure, ScrubOutcome } from "./store.ts";
import { removeIndexFiles } from "./vector-file.ts";
import { walHolders } from "./wal-holders.ts";

/**
 * After a write transaction on `db`: the rewrite an erasure owes (this process's: `own`), done now; its outcome,
 * or null when none was owed (then a pending checkpoint is finished, a stat when there is none). A rewrite that
 * fails (a full disk) stays owed for the next write or doctor: the erasure itself is committed, and thrown, it read
 * as the erasure failing (QA: a sweep's purge, done, was left out of its report).
 */
export function settleAfterWrite(db: Database, location: string, own: boolean): ScrubOutcome | null {
  if (!own && scrubOwed(db) === null) {
    finishPending(db);
    return null;
  }
  let outcome: ScrubOutcome;
  try {
    outcome = scrubDeleted(db, Date.now());
  } catch {
    outcome = { complete: false, holders: null };
  }
  removeIndexFiles(location);
  return outcome;
}

/** The erasure left to finish: a pending checkpoint, or a rewrite a killed process owes. */
export function erasureLeft(db: Database, location: string): PendingErasure | null {
  const pending = readPending(location);
  if (pending) return pending;
  const owed = scrubOwed(db);
  return owed === null ? null : { since: owed, purges: 1 };
}

/** Finishes {@link erasureLeft} between requests (`write`: the connection for a write), or says who holds it back. */
export function finishErasure(db: Database, write: () => Database, location: string): ScrubOutcome {
  try {
    if (scrubOwed(db) !== null) {
      const outcome = scrubDeleted(write(), Date.now());
      removeIndexFiles(location);
      return outcome;
    }
    if (!readPending(location) || finishPending(write())) return { complete: true };
  } catch {
    // a read-only, full or damaged store cannot rewrite or checkpoint: the erasure stays left
  }
  return { complete: false, holders: walHolders(location) };
}
