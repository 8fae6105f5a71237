/**
 * @module Free pages inside the database file: what deletions and migrations leave behind (migration 17
 * freed ~0.25 GB at 1M memories when vectors went to 4 bits). SQLite reuses them for later writes but never
 * gives them back to the disk by itself; {@link compact} does (VACUUM: the file is rewritten whole, ~25 s at
 * 1M memories, with room for a second copy needed meanwhile). Freed pages are zeroed (`secure_delete`), so
 * they hold nothing of what was deleted either way.
 */
import type { Database } from "bun:sqlite";

export interface FreeSpace {
  /** The database file's pages, in bytes. */
  fileBytes: number;
  /** Of them, free pages. */
  freeBytes: number;
}

export function freeSpace(db: Database): FreeSpace {
  const pageSize = (db.query("PRAGMA page_size").get() as { page_size: number }).page_size;
  const pages = (db.query("PRAGMA page_count").get() as { page_count: number }).page_count;
  const free = (db.query("PRAGMA freelist_count").get() as { freelist_count: number }).freelist_count;
  return { fileBytes: pages * pageSize, freeBytes: free * pageSize };
}

/**
 * Free space worth a VACUUM: a tenth of the file or more (migration 17 left 16% at 1M memories), and at least 16 MiB
 * for doctor to suggest it; when asked to repair, from 1 MiB (the rewrite of a small file takes a moment: QA, a
 * repair after a purge left 11.7 of 12.2 MiB free, which README says it gives back).
 */
export function worthCompacting(space: FreeSpace, asked = false): boolean {
  return space.freeBytes >= (asked ? 2 ** 20 : 16 * 2 ** 20) && space.freeBytes * 10 >= space.fileBytes;
}

/** Rewrites the file without its free pages, then empties the write-ahead log into it; the space after. */
export function compact(db: Database): FreeSpace {
  db.run("VACUUM");
  db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  return freeSpace(db);
}
