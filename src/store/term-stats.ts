/**
 * @module How common query terms are in the full-text index, so the keyword channel can drop terms most
 * memories contain. Counting a term's matches reads its posting list, which a search with it reads anyway.
 */
import type { Database } from "bun:sqlite";

/** Memories in the index, and for each safe FTS5 expression in `matches` how many memories it matches. */
export function termStats(db: Database, matches: readonly string[]): { docs: number; counts: number[] } {
  const docs = (db.query("SELECT count(*) AS n FROM memories").get() as { n: number }).n;
  const stmt = db.query("SELECT count(*) AS n FROM memories_fts WHERE memories_fts MATCH ?");
  return { docs, counts: matches.map((m) => (stmt.get(m) as { n: number }).n) };
}

