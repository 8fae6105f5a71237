/**
 * @module Making a purge physical. Deleting a row only marks its bytes free: FTS segments still hold the
 * purged memory's tokens until they merge, and the WAL holds old page images until a checkpoint. After
 * `forget --hard`, scrub rewrites the index without deleted entries and empties the WAL, while
 * `secure_delete` (set on every connection cairn opens, db.ts) zeroes every freed page, so the text is gone
 * from disk. When another process reads an older snapshot, the WAL cannot be emptied yet: the purge does not
 * wait for it but records a pending erasure (pending-erasure.ts) that the next cairn process to write finishes.
 */
import type { Database } from "bun:sqlite";
import { writeTransaction } from "./db.ts";
import { clearPending, recordPending, truncateWal } from "./pending-erasure.ts";
import type { ScrubOutcome } from "./store.ts";
import { walHolders } from "./wal-holders.ts";


export function scrubDeleted(db: Database, now: number): ScrubOutcome {
  writeTransaction(db, () => db.run("INSERT INTO memories_fts (memories_fts) VALUES ('optimize')"));
  // The WAL is empty now: erasures left pending by earlier purges are done too.
  if (truncateWal(db)) return (clearPending(db.filename), { complete: true });
  recordPending(db.filename, now);
  return { complete: false, holders: walHolders(db.filename) };
}
