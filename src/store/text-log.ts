/**
 * @module The change log of indexed text. Every insert or delete of a memory, and every change of its content,
 * tags or project (migration 16: the index knows each memory's project), appends the memory's seq to `text_log`
 * in the writing transaction (triggers: a write path added later cannot forget it). A keyword index held in memory (text-index.ts) built at log position P catches up
 * by reading the seqs logged after P. The log prunes itself: every {@link PRUNE_EVERY}th entry deletes those
 * more than {@link TEXT_LOG_WINDOW} behind it (migration 27; {@link KEPT} before), so it holds at most ~12k rows
 * (~170 KB); a reader that finds its position pruned away builds again.
 */
import type { Database } from "bun:sqlite";
import { type LogMark, logHead, sameEntry } from "./log-mark.ts";

/** Entries kept behind the newest, migrations 11 to 26 (~1 MB: 13 bytes a memory at 100k). */
export const KEPT = 65_536;
/**
 * Entries kept behind the newest from migration 27. A reader more than 5,000 changed memories behind builds
 * again anyway (fts-worker.ts MAX_CHANGED), so a longer log bought nothing but bytes.
 */
export const TEXT_LOG_WINDOW = 8_192;
/** How often (in entries) the log deletes what it no longer keeps. */
export const PRUNE_EVERY = 4_096;

export const TEXT_LOG_SCHEMA = `
  CREATE TABLE text_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    memory_seq INTEGER NOT NULL
  ) STRICT;
  CREATE TRIGGER text_log_insert AFTER INSERT ON memories BEGIN
    INSERT INTO text_log (memory_seq) VALUES (new.seq);
  END;
  CREATE TRIGGER text_log_delete AFTER DELETE ON memories BEGIN
    INSERT INTO text_log (memory_seq) VALUES (old.seq);
  END;
  CREATE TRIGGER text_log_update AFTER UPDATE OF content, tags ON memories BEGIN
    INSERT INTO text_log (memory_seq) VALUES (new.seq);
  END;
  CREATE TRIGGER text_log_prune AFTER INSERT ON text_log WHEN new.id % ${PRUNE_EVERY} = 0 BEGIN
    DELETE FROM text_log WHERE id <= new.id - ${KEPT};
  END;
`;

/**
 * The seqs logged after `after`, oldest first, and the log's head; null when entries after `after` were pruned
 * (ids are consecutive: AUTOINCREMENT never reuses one, and a rolled-back id is never seen committed), when
 * the log has not reached `after`, or when the entry at `after` is not the one its reader saw (log-mark.ts:
 * the database was replaced by an older copy of itself, then written to).
 */
export function textChangedSince(db: Database, after: LogMark): { head: LogMark; seqs: number[] } | null {
  // One read from the entry at `after` on (searches ask before each ranking): it, then what came after it.
  const rows = db.query("SELECT id, memory_seq, stamp FROM text_log WHERE id >= ? ORDER BY id").values(after.id) as Array<[number, number, number]>;
  const at = rows[0]?.[0] === after.id ? rows.shift() : undefined;
  if (!sameEntry(after.stamp, at?.[2] ?? 0)) return null;
  const last = rows[rows.length - 1];
  // Nothing after it: the log's head tells whether it has reached `after` at all (an older copy has not).
  const head = last ? { id: last[0], stamp: last[2] } : at ? after : logHead(db, "text_log");
  if (head.id < after.id) return null;
  if (head.id > after.id && rows[0]?.[0] !== after.id + 1) return null;
  return { head: last ? head : after, seqs: rows.map((r) => r[1]) };
}

/** Migration 27: the prune trigger keeps {@link TEXT_LOG_WINDOW}, and what lies beyond it now goes. */
export const TEXT_LOG_WINDOW_SCHEMA = `
  DROP TRIGGER text_log_prune;
  CREATE TRIGGER text_log_prune AFTER INSERT ON text_log WHEN new.id % ${PRUNE_EVERY} = 0 BEGIN
    DELETE FROM text_log WHERE id <= new.id - ${TEXT_LOG_WINDOW};
  END;
  DELETE FROM text_log WHERE id <= (SELECT max(id) FROM text_log) - ${TEXT_LOG_WINDOW};
`;
