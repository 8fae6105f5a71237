/**
 * @module Erasures not yet physical. A purge deletes the rows at once, but old page images stay in the WAL
 * while another process reads an older snapshot; the purge then records a pending erasure in
 * `<data dir>/erase-pending.json` (times and counts only, never text) instead of waiting. Every cairn process
 * finishes it at its next opportunity — after its next write, when the MCP server goes idle, at `doctor` —
 * by checkpointing the WAL to zero length, and removes the record once that succeeds. The rewrite of the
 * full-text index an erasure owes (scrub.ts) is recorded in the erasing transaction itself (`store_state`), so a
 * process killed between the commit and the rewrite leaves it to the next write or `doctor` too.
 */
import type { Database } from "bun:sqlite";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { withLockWait } from "./db.ts";
import type { PendingErasure } from "./store.ts";
import { besideDatabase } from "./db-path.ts";

/** How long a purge (or a process finishing one) waits for readers before leaving the erasure pending. */
export const CHECKPOINT_WAIT_MS = 250;


export function pendingFile(dbFile: string): string | null {
  return besideDatabase(dbFile, "erase-pending.json");
}

export function readPending(dbFile: string): PendingErasure | null {
  const file = pendingFile(dbFile);
  if (!file || !existsSync(file)) return null;
  try {
    const p = JSON.parse(readFileSync(file, "utf8")) as Partial<PendingErasure>;
    return { since: Number(p.since) || 0, purges: Number(p.purges) || 1 };
  } catch {
    // Cut short by a crash: still a pending erasure, of unknown age.
    return { since: 0, purges: 1 };
  }
}

export function recordPending(dbFile: string, now: number): PendingErasure | null {
  const file = pendingFile(dbFile);
  if (!file) return null;
  const old = readPending(dbFile);
  const next: PendingErasure = { since: old?.since || now, purges: (old?.purges ?? 0) + 1 };
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(next), { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    // A full disk: the empty temporary file was left in the data folder (QA).
    rmSync(tmp, { force: true });
    throw err;
  }
  return next;
}

/**
 * Empties the WAL (`wal_checkpoint(TRUNCATE)`), waiting for readers at most {@link CHECKPOINT_WAIT_MS}.
 * True when the log is now empty: nothing older than the last commit is left in it.
 */
export function truncateWal(db: Database): boolean {
  try {
    const r = withLockWait(db, CHECKPOINT_WAIT_MS, () => db.query("PRAGMA wal_checkpoint(TRUNCATE)").get() as { busy: number } | null);
    return !r || r.busy === 0;
  } catch {
    return false;
  }
}

/** Finishes a pending erasure when one is recorded and readers allow it; true when none remains. */
export function finishPending(db: Database): boolean {
  const file = pendingFile(db.filename);
  if (!file || !existsSync(file)) return true;
  if (!truncateWal(db)) return false;
  rmSync(file, { force: true });
  return true;
}

export function clearPending(dbFile: string): void {
  const file = pendingFile(dbFile);
  if (file) rmSync(file, { force: true });
}

/** store_state key: since when the index rewrite of a committed erasure is owed. */
const SCRUB_OWED = "scrub_owed";

/**
 * Inside the erasing transaction: the index rewrite is owed. It commits with the erasure, so a kill after the commit
 * cannot lose it (QA: `edit --erase-history` killed there left the old words in the index pages for good, and
 * doctor said no erasure was pending). The oldest time is kept.
 */
export function markScrubOwed(db: Database, now: number): void {
  db.query("INSERT OR IGNORE INTO store_state (key, value) VALUES (?, ?)").run(SCRUB_OWED, String(now));
}

/** Since when an index rewrite is owed, or null when none is (or the database is older than store_state). */
export function scrubOwed(db: Database): number | null {
  try {
    const row = db.query("SELECT value FROM store_state WHERE key = ?").get(SCRUB_OWED) as { value: string } | null;
    return row ? Number(row.value) || 0 : null;
  } catch {
    return null;
  }
}

/** Inside the rewrite's own transaction: the debt is paid. */
export function clearScrubOwed(db: Database): void {
  db.query("DELETE FROM store_state WHERE key = ?").run(SCRUB_OWED);
}
