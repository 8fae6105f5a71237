/**
 * @module Making a purge physical. Deleting a row only marks its bytes free: FTS segments still hold the
 * purged memory's tokens until they merge, and the WAL holds old page images until a checkpoint. After
 * `forget --hard`, scrub rewrites the index without deleted entries and empties the WAL, while
 * `secure_delete` (set on every connection cairn opens, db.ts) zeroes every freed page, so the text is gone
 * from disk. When another process reads an older snapshot, the WAL cannot be emptied yet: the purge does not
 * wait for it but records a pending erasure (pending-erasure.ts) that the next cairn process to write finishes.
 * The erasing transaction itself records that this rewrite is owed, and the rewrite clears it as it commits.
 */
import type { Database } from "bun:sqlite";
import { writeTransaction } from "./db.ts";
import { clearPending, clearScrubOwed, recordPending, truncateWal } from "./pending-erasure.ts";
import type { ScrubOutcome } from "./store.ts";
import { walHolders } from "./wal-holders.ts";


/**
 * A row that stands beside the index's one segment while it is rewritten, then goes: no memory has its rowid.
 * SQLite's FTS5 (3.54) rewriting a single segment that holds deletions ('optimize' on a contentless_delete table)
 * adds a level to the index's structure each time, and at 2,000 levels the structure is "corrupt": a store's
 * 2,001st purge, over its whole life, damaged it (QA: one sweep purging 2,001 memories). Rewritten beside a second
 * segment, the index keeps at most 65 levels, and one grown before comes back to that.
 */
const PLACEHOLDER_ROWID = -1;

export function scrubDeleted(db: Database, now: number): ScrubOutcome {
  writeTransaction(db, () => {
    db.query("INSERT INTO memories_fts (rowid, content, tags) VALUES (?, 'cairn', '')").run(PLACEHOLDER_ROWID);
    db.run("INSERT INTO memories_fts (memories_fts) VALUES ('optimize')");
    db.query("DELETE FROM memories_fts WHERE rowid = ?").run(PLACEHOLDER_ROWID);
    clearScrubOwed(db);
  });
  // The WAL is empty now: erasures left pending by earlier purges are done too.
  if (truncateWal(db)) return (clearPending(db.filename), { complete: true });
  recordPending(db.filename, now);
  return { complete: false, holders: walHolders(db.filename) };
}
