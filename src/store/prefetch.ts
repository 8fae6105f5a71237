/** @module Reading the search index once so a long-lived process answers its first queries from memory. */
import type { Database } from "bun:sqlite";

/**
 * Touches every page of the FTS index and the memory rows. A fresh process otherwise pays ~17 ms of page
 * faults on its first recall over 10k memories; the warm hook daemon pays it once, at start, off the
 * agent's critical path.
 */
export function prefetch(db: Database): void {
  db.query("SELECT sum(length(block)) FROM memories_fts_data").get();
  db.query("SELECT sum(length(content)) FROM memories").get();
}
