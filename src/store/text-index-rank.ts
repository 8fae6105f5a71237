/**
 * @module A keyword search's ranked matches from a {@link TextIndex}: the same ranks FTS5's `ORDER BY bm25(…)`
 * gives, for {@link ftsSearch}'s rounds. Runs inside the caller's read transaction, so the index's catch-up,
 * the totals and any phrase FTS5 scores are one snapshot.
 */
import type { Database } from "bun:sqlite";
import { withoutCommonTerms } from "./common-terms.ts";
import { BM25_SQL, ftsSearch, type KeywordRequest, type PassRate, type RankedMatches } from "./fts.ts";
import type { PhraseMatches, TextIndex } from "./text-index.ts";
import type { ProjectScope } from "./filter-sql.ts";
import { catchUp, matchPhrases } from "./text-index-source.ts";
import { type ContentCodec, PLAIN_CODEC } from "./content-codec.ts";
import { indexTotals, matchCount, termStats } from "./term-stats.ts";
import { upToKth } from "../domain/select.ts";

/**
 * {@link ftsSearch} with `index` ranking, inside one read transaction on `db`: the index is caught up from
 * text_log first, the very common terms are dropped by its counts. A match of fewer than `rankFrom` memories
 * (counted when the terms are given) is ranked by FTS5, whose bm25() over a few costs less than reading the
 * document sizes of an index read from a file. "stale" when it cannot catch up (more than `maxChanged` memories
 * changed, or the log was pruned past it); null when the index cannot rank the match (the caller's FTS5 can).
 * Changed rows are read through the store's `codec` (an encrypted store's index holds keyed hashes of tokens).
 */
export function searchIndexed(
  db: Database,
  index: TextIndex,
  maxChanged: number,
  req: KeywordRequest,
  seen: PassRate,
  rankFrom = 0,
  codec: ContentCodec = PLAIN_CODEC,
): ReturnType<typeof ftsSearch> | "stale" | null {
  return db
    .transaction(() => {
      if (!catchUp(db, index, maxChanged, codec)) return "stale" as const;
      const phrases = phraseMatches(db);
      const kept = req.terms ? withoutCommonTerms(req.terms, req.limit, (t) => indexStats(db, index, t, phrases) ?? termStats(db, t)) : null;
      const match = kept?.match ?? req.match;
      if (kept && kept.matches < rankFrom) return ftsSearch(db, match, req.where, req.limit, seen, kept.matches);
      const ranked = indexRanker(db, index, match, phrases, req.where.scope);
      // Without a match count: a round here is a selection over ranks already computed, not FTS5 ranking every
      // match again, so the first round need not allow for the lowest pass rate (1,920 rows checked at 1M
      // memories for a one-shot search in one project, ~30 ms of page reads, against ~300 round by round).
      return ranked ? ftsSearch(db, match, req.where, req.limit, seen, 0, ranked) : null;
    })
    .deferred();
}

/**
 * FTS5's matches of a search's phrases, inside its read transaction: a phrase's rows are read once, for its
 * count and for its ranking.
 */
function phraseMatches(db: Database): PhraseMatches {
  const found = new Map<string, Uint32Array>();
  return {
    rows(match) {
      let seqs = found.get(match);
      if (!seqs) {
        const rows = db.query("SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rowid").values(match) as Array<[number]>;
        found.set(match, (seqs = Uint32Array.from(rows, (r) => r[0])));
      }
      return seqs;
    },
    scores: (match) =>
      (db.query(`SELECT rowid, ${BM25_SQL} FROM memories_fts WHERE memories_fts MATCH ?`).values(match) as Array<[number, number]>).map(([seq, rank]) => [seq, -rank]),
  };
}

/**
 * The ranked matches of `match`, or null when the index cannot rank it (then FTS5 does). With a `scope`, matches
 * the index knows to be of projects it does not pass are left out (the filter's SQL would reject them).
 */
export function indexRanker(db: Database, index: TextIndex, match: string, fts = phraseMatches(db), scope?: ProjectScope): RankedMatches | null {
  const phrases = matchPhrases(db, match);
  const totals = indexTotals(db);
  if (!phrases || !totals || totals.rows === 0) return null;
  const { seqs, ranks } = index.rank(phrases, totals, fts, scope);
  return (k) => best(seqs, ranks, k);
}

/**
 * How many memories the index holds and how many each safe expression matches, as term-stats.ts counts them:
 * one-token expressions from the index, a plain phrase of several by its rows (`fts`, which its ranking reads
 * again), anything else through FTS5. Null when the totals are unreadable.
 */
export function indexStats(db: Database, index: TextIndex, matches: readonly string[], fts = phraseMatches(db)): { docs: number; counts: number[]; tokens?: number } | null {
  const totals = indexTotals(db);
  if (!totals) return null;
  const counts = matches.map((m) => {
    const phrases = matchPhrases(db, m);
    const only = phrases?.length === 1 ? phrases[0]! : null;
    if (only && "token" in only) return index.count(only.token);
    return only?.tokens ? fts.rows(m).length : matchCount(db, m);
  });
  return { docs: totals.rows, counts, tokens: totals.tokens };
}

/** The `k` best (lowest rank) and any tied with the k-th, best first, ties to the higher seq. */
function best(seqs: Uint32Array, ranks: Float64Array, k: number): Array<{ seq: number; rank: number }> {
  return upToKth(ranks, k - 1)
    .map((i) => ({ seq: seqs[i]!, rank: ranks[i]! }))
    .sort((a, b) => a.rank - b.rank || b.seq - a.seq);
}
