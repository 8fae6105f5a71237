/**
 * @module The keyword index file's state for the processes that look after it rather than search with it:
 * `cairn doctor` (reported, written again on `--repair`) and the background worker's last step (written when a
 * store large enough for it to matter has none or one too far behind). The search thread writes it too, after
 * each build (fts-worker.ts).
 */
import { existsSync } from "node:fs";
import { openReader } from "./db.ts";
import { KEYWORD_FILE_FROM } from "./keyword-search.ts";
import type { SqliteStore } from "./sqlite-store.ts";
import { indexTotals } from "./term-stats.ts";
import { closeTextIndexFile, keywordIndexPath, openTextIndexFile, otherVersion, publishTextIndex } from "./text-index-file.ts";
import { indexFileState } from "./index-file-io.ts";
import { buildTextIndex } from "./text-index-source.ts";
import { textChangedSince } from "./text-log.ts";

/**
 * fresh: usable, `behind` memories changed since; stale: the log moved past it (or it belongs to an older copy
 * of the database: log-mark.ts); outdated: of another format version; damaged: short, failing a check or of
 * another database. Null for a store that has no file by design (in memory).
 */
export type KeywordFileState = { path: string; kind: "fresh" | "stale" | "absent" | "damaged" | "outdated"; behind?: number };

/** With `whole`, every block's checksum is checked (the whole file read); else only the header's (a damaged block is found when read). */
export function keywordFileState(store: SqliteStore, whole = true): KeywordFileState | null {
  const path = keywordIndexPath(store.location);
  if (!path) return null;
  if (!existsSync(path)) return { path, kind: "absent" };
  const db = store.database;
  const index = openTextIndexFile(path, indexFileState(db).epoch, { whole });
  if (!index) return { path, kind: otherVersion(path) ? "outdated" : "damaged" };
  if (!whole) closeTextIndexFile(index);
  const changes = textChangedSince(db, index.log);
  return changes ? { path, kind: "fresh", behind: new Set(changes.seqs).size } : { path, kind: "stale" };
}

/** Builds the index from the store's file on a connection of its own and writes it; whether it was written. */
export async function writeKeywordFile(store: SqliteStore): Promise<boolean> {
  const reader = openReader(store.location);
  try {
    const { index, state } = await buildTextIndex(reader);
    return publishTextIndex(reader, store.location, index, state);
  } finally {
    reader.close();
  }
}

/**
 * Writes the file when the store holds enough memories for a one-shot search to use it ({@link KEYWORD_FILE_FROM})
 * and it is missing, damaged, past the log or more than `maxBehind` changes behind. Whether it wrote one.
 */
export async function refreshKeywordFile(store: SqliteStore, maxBehind: number, minMemories = KEYWORD_FILE_FROM): Promise<boolean> {
  const state = keywordFileState(store, false);
  if (!state || (indexTotals(store.database)?.rows ?? 0) < minMemories) return false;
  if (state.kind === "fresh" && state.behind! <= maxBehind) return false;
  return writeKeywordFile(store);
}
