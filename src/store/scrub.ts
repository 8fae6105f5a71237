/**
 * @module Making a purge physical. Deleting a row only marks its bytes free: FTS segments still hold the
 * purged memory's tokens until they merge, and the WAL holds old page images until a checkpoint. After
 * `forget --hard`, scrub rewrites the index without deleted entries and checkpoints the WAL, while
 * `secure_delete` (set when the database is opened) zeroes every freed page, so the text is gone from disk.
 */
import type { Database } from "bun:sqlite";
import { log } from "../log.ts";
import { describeError } from "../errors.ts";
import { writeTransaction } from "./db.ts";

export function scrubDeleted(db: Database): void {
  writeTransaction(db, () => db.run("INSERT INTO memories_fts (memories_fts) VALUES ('optimize')"));
  try {
    // TRUNCATE waits for readers only up to busy_timeout; another process mid-read can keep old frames in the
    // WAL, which then go at its next checkpoint. That is reported, not treated as a failure of the purge.
    const r = db.query("PRAGMA wal_checkpoint(TRUNCATE)").get() as { busy: number } | null;
    if (r && r.busy) log.warn("purge: another process is reading; old WAL frames are erased at the next checkpoint");
  } catch (err) {
    log.warn(`purge: WAL checkpoint deferred (${describeError(err)})`);
  }
}
