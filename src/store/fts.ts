/** @module Keeping the contentless FTS5 index in step with `memories`, and querying it. */
import type { Database } from "bun:sqlite";
import type { Memory } from "../domain/memory.ts";
import { rowsBySeq, type SqlWhere, seqsPassing } from "./filter-sql.ts";
import type { MemoryRow } from "./rows.ts";
import type { ContentCodec } from "./content-codec.ts";
import { BM25_WEIGHTS } from "./text-index.ts";
import { withoutCommonTerms } from "./common-terms.ts";
import { termStats } from "./term-stats.ts";

/** BM25 with its column weights (content matters most; tags are short and precise). */
export const BM25_SQL = `bm25(memories_fts, ${BM25_WEIGHTS.join(", ")})`;
/** The lowest pass rate a first round allows for (k = 32 × the usual). */
const MIN_PASS_RATE = 1 / 32;

export function ftsInsert(db: Database, seq: number, memory: Pick<Memory, "content" | "tags">, codec: ContentCodec): void {
  db.query("INSERT INTO memories_fts (rowid, content, tags) VALUES (?, ?, ?)").run(
    seq,
    codec.indexText(memory.content),
    codec.indexText(memory.tags.join(" ")),
  );
}

/**
 * Index rows waiting to be written, in order, until the write transaction ends or a read needs them. FTS5
 * writes its pending terms to disk at every statement savepoint, and each memory row insert opens one (its
 * triggers and unique id): interleaved, every memory became its own one-document segment for automerge to
 * fold in again, 40–60 µs per imported line. Written back to back, the terms of a batch go out as one segment.
 */
export class FtsBatch {
  #rows: Array<[number, string, string]> = [];
  #chars = 0;

  add(db: Database, seq: number, memory: Pick<Memory, "content" | "tags">, codec: ContentCodec): void {
    const row: [number, string, string] = [seq, codec.indexText(memory.content), codec.indexText(memory.tags.join(" "))];
    this.#rows.push(row);
    this.#chars += row[1].length + row[2].length;
    // Bounded: a batch holds at most a few MB of text however long the import.
    if (this.#rows.length >= 512 || this.#chars >= 4_000_000) this.flush(db);
  }

  /**
   * Writes the waiting rows when `seq` is among them, so that row can be deleted or rewritten. Rows of other
   * memories can wait: flushing them for every reinforced duplicate of an import made a segment each (463
   * duplicates in a 200k-line import cost 2.2 s of its 24.6).
   */
  flushFor(db: Database, seq: number): void {
    if (this.#rows.some((r) => r[0] === seq)) this.flush(db);
  }

  flush(db: Database): void {
    if (this.#rows.length === 0) return;
    const stmt = db.query("INSERT INTO memories_fts (rowid, content, tags) VALUES (?, ?, ?)");
    for (const [seq, content, tags] of this.#rows) stmt.run(seq, content, tags);
    this.clear();
  }

  /** Forgets the rows (the transaction they belonged to rolled back). */
  clear(): void {
    this.#rows = [];
    this.#chars = 0;
  }
}

/** A keyword search as a store asks for it: the safe match, its terms (to drop the very common), filter, limit. */
export interface KeywordRequest {
  match: string;
  terms?: readonly string[];
  where: SqlWhere;
  limit: number;
}

/** {@link ftsSearch} of `req` through FTS5 alone: its very common terms dropped first, counted by FTS5. */
export function ftsSearchTerms(db: Database, req: KeywordRequest, seen: PassRate): Array<{ row: MemoryRow; rank: number }> {
  const kept = req.terms ? withoutCommonTerms(req.terms, req.limit, (t) => termStats(db, t)) : null;
  return ftsSearch(db, kept?.match ?? req.match, req.where, req.limit, seen, kept?.matches);
}

/** The `k` best matches of a search, best first (a round of {@link ftsSearch}). */
export type RankedMatches = (k: number) => Array<{ seq: number; rank: number }>;

/** FTS5 ranks every match in each call. */
function ftsRanked(db: Database, match: string): RankedMatches {
  const stmt = db.query(`SELECT rowid AS seq, ${BM25_SQL} AS rank FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rank LIMIT ?`);
  return (k) => stmt.all(match, k) as Array<{ seq: number; rank: number }>;
}

export function ftsDelete(db: Database, seq: number): void {
  db.query("DELETE FROM memories_fts WHERE rowid = ?").run(seq);
}

/** What a search with one filter learned of it: the share of the best matches that passed. */
export interface PassRate {
  rate: number;
  /** Whether a search measured it (else `rate` is the first guess, 1). */
  measured?: boolean;
}

/**
 * From this many matches a round of ranking costs more than reading many rows: a search whose filter's pass
 * rate is not yet known starts at {@link MIN_PASS_RATE}'s `k` instead of widening round by round. A cold
 * `cairn recall` at 1M memories ranked ~125k matches twice (k 75, then 313: ~210 ms each).
 */
export const MANY_MATCHES = 20_000;

/** Pass rates per filter (SqlWhere.key), for the 16 filters searched most recently. */
export class PassRates {
  readonly #rates = new Map<string, PassRate>();

  /** The filter's record (1 until a search met it), which ftsSearch updates. */
  of(key: string): PassRate {
    const seen = this.#rates.get(key) ?? { rate: 1 };
    this.#rates.delete(key);
    this.#rates.set(key, seen); // most recent last
    if (this.#rates.size > 16) this.#rates.delete(this.#rates.keys().next().value!);
    return seen;
  }
}

/**
 * Top `limit` matches passing `where`, best BM25 first, ties to the newer memory. Two stages: rank inside the
 * index alone (cheap: no table rows touched), then fetch and filter only the best `k` rows, widening `k`
 * when the filter rejects too many. A single JOIN … ORDER BY reads every matching row first: at 100k
 * memories that was p50 23 ms against 3 ms this way, and it made cold starts pay ~700 page reads.
 * Each round ranks every match again (BM25 costs ~1.3 µs a match: 5–25 ms for a common-word query at 100k),
 * so `seen` carries the pass rate an earlier search with the same filter met, and the first `k` allows for it.
 */
export function ftsSearch(
  db: Database,
  match: string,
  where: SqlWhere,
  limit: number,
  seen?: PassRate,
  matches = 0,
  ranked: RankedMatches = ftsRanked(db, match),
): Array<{ row: MemoryRow; rank: number }> {
  const kept: Array<{ seq: number; rank: number }> = [];
  const checked = new Set<number>();
  // Start just above `limit` (divided by the pass rate seen before): the widening below is exact and adapts
  // to the filter's pass rate, so a larger first guess only ranks and checks rows that are never returned
  // (×4 here cost ~0.7 ms of a 1.8 ms recall at 10k).
  const base = Math.max(Math.ceil(limit * 1.5), 40);
  const rate = !seen?.measured && matches >= MANY_MATCHES ? MIN_PASS_RATE : (seen?.rate ?? 1);
  for (let k = Math.ceil(base / Math.min(1, Math.max(rate, MIN_PASS_RATE))); ; ) {
    const top = ranked(k);
    // Only matches not checked in an earlier round: a selective filter would otherwise re-check the same rows.
    const fresh = top.filter((t) => !checked.has(t.seq));
    for (const t of fresh) checked.add(t.seq);
    const passing = seqsPassing(db, fresh.map((t) => t.seq), where);
    kept.push(...fresh.filter((t) => passing.has(t.seq)));
    if (kept.length >= limit || top.length < k) break;
    // Grow by the pass rate seen so far (a filter keeping 1 in 20 of the best matches, like another project's
    // memories dominating the index, needs ~20× more), and at least 4×: fewer rounds, each ranking all matches.
    const passRate = kept.length / checked.size;
    k = Math.ceil(Math.max(k * 4, passRate > 0 ? (limit / passRate) * 1.5 : k * 16));
  }
  // A rate from a handful of rows says little.
  if (seen && checked.size >= 20) Object.assign(seen, { rate: kept.length / checked.size, measured: true });
  // Full rows only for what can be returned: the best `limit` by rank plus any tied with the last of them
  // (ties go to the newer memory, which needs the row). A cold process pays a page fault per row read.
  kept.sort((a, b) => a.rank - b.rank);
  const last = kept[Math.min(limit, kept.length) - 1]?.rank;
  const best = kept.filter((t, i) => i < limit || t.rank === last);
  const rankOf = new Map(best.map((t) => [t.seq, t.rank]));
  return rowsBySeq(db, best.map((t) => t.seq), where)
    .map((row) => ({ row, rank: rankOf.get(row.seq)! }))
    .sort((a, b) => a.rank - b.rank || b.row.created_at - a.row.created_at)
    .slice(0, limit);
}
