/**
 * @module How common query terms are in the full-text index, so the keyword channel can drop terms most
 * memories contain. Counting a term's matches reads its posting list, which a search with it reads anyway.
 */
import type { Database } from "bun:sqlite";
import type { ProjectScope } from "./filter-sql.ts";

/**
 * Memories in the index, and for each safe FTS5 expression in `matches` how many memories it matches: all of
 * them, or at most `upTo` (see {@link matchCount}); with the tokens of all memories when FTS5's totals are readable.
 */
export function termStats(db: Database, matches: readonly string[], upTo?: number): { docs: number; counts: number[]; tokens?: number } {
  const totals = indexTotals(db);
  const counts = matches.map((m) => matchCount(db, m, upTo));
  return totals ? { docs: totals.rows, counts, tokens: totals.tokens } : { docs: indexedDocs(db), counts };
}

/**
 * How many memories one safe FTS5 expression matches, or at most `upTo`: FTS5 then stops there, where a count
 * reads every match (whether a word is in any memory: 0.1 ms where its count took 3 ms at 1M memories).
 */
export function matchCount(db: Database, match: string, upTo?: number): number {
  if (upTo !== undefined) return (db.query("SELECT count(*) AS n FROM (SELECT 1 FROM memories_fts WHERE memories_fts MATCH ? LIMIT ?)").get(match, upTo) as { n: number }).n;
  return (db.query("SELECT count(*) AS n FROM memories_fts WHERE memories_fts MATCH ?").get(match) as { n: number }).n;
}

/**
 * How many of an expression's matches {@link matchedIn} looks up for one in scope. Past them it answers yes:
 * a word that many memories of other projects hold is no name the store lacks, and the look stays bounded
 * however large the store (each match is a row lookup for its project: a name in every 300th of 1M synthetic
 * memories, none in scope, took 0.3 ms warm, where 1,000 lookups took 1.7 ms).
 */
export const SCOPED_MATCH_WINDOW = 256;

/**
 * Whether a memory `scope` passes (any status) matches the safe FTS5 expression `match`: recall's "no memory
 * mentions it" is about the memories it can return, not a name another project holds (QA: "Keycloak", only in
 * another project, kept recall from abstaining). Stops at the first match in scope, looking at most at
 * {@link SCOPED_MATCH_WINDOW} matches; true when there are more.
 */
export function matchedIn(db: Database, match: string, scope: ProjectScope): boolean {
  const { projects, global } = scope;
  if (projects === null && global) return matchCount(db, match, 1) > 0;
  const parts = [...(projects && projects.length > 0 ? [`m.project IN (${projects.map(() => "?").join(", ")})`] : []), ...(global ? ["m.project IS NULL"] : [])];
  const where = projects === null ? "m.project IS NOT NULL" : parts.length > 0 ? parts.join(" OR ") : "0";
  const found = db
    .query(`SELECT 1 FROM (SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? LIMIT ?) f JOIN memories m ON m.seq = f.rowid WHERE ${where} LIMIT 1`)
    .get(match, SCOPED_MATCH_WINDOW, ...(projects ?? []));
  return found !== null || matchCount(db, match, SCOPED_MATCH_WINDOW + 1) > SCOPED_MATCH_WINDOW;
}

/** The whole-index numbers bm25() reads at query time: rows, and tokens of all columns. */
export interface IndexTotals {
  rows: number;
  tokens: number;
}

/**
 * FTS5's "averages" record (row 1 of its data table: the row count, then each column's token total, as varints;
 * the record FTS5 itself reads for BM25); null when there is none or it is unreadable.
 */
export function indexTotals(db: Database): IndexTotals | null {
  const row = db.query("SELECT block FROM memories_fts_data WHERE id = 1").get() as { block: Uint8Array } | null;
  const [rows, ...columns] = row ? readVarints(row.block) : [];
  return rows === undefined ? null : { rows, tokens: columns.reduce((a, b) => a + b, 0) };
}

/**
 * How many documents the full-text index holds, from its averages record: ~0.3 ms in a fresh process, where
 * `count(*)` walks a whole index (2–4 ms cold at 10k). Falls back to counting if the record is unreadable.
 */
export function indexedDocs(db: Database): number {
  return indexTotals(db)?.rows ?? (db.query("SELECT count(*) AS n FROM memories_fts_docsize").get() as { n: number }).n;
}

/**
 * The varints of `bytes` in order, as FTS5 writes its records (SQLite's varint: big-endian groups of 7 bits, high
 * bit set on all but the last; the 9th byte gives 8 bits). A truncated last one is left out.
 */
export function readVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let v = 0;
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (n === 8) {
      out.push(v * 256 + b);
      v = n = 0;
      continue;
    }
    v = v * 128 + (b & 0x7f);
    n++;
    if ((b & 0x80) === 0) {
      out.push(v);
      v = n = 0;
    }
  }
  return out;
}
