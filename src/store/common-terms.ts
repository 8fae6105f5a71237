/**
 * @module Dropping a keyword query's very common terms. FTS5's BM25 gives a term in over half the documents an
 * idf of ~0, so it ranks nothing, yet every memory holding it became a candidate and was read and scored (on
 * LoCoMo, a speaker's name: p50 6.6 → 4.1 ms, recall unchanged at 0–4 once session neighbours join the
 * candidates). Applied where the search runs (the search thread counts from its in-memory index), so the
 * caller's thread never waits for the counts.
 */

/** A term matching more than this share of all memories is dropped if a rarer term remains. */
export const COMMON_TERM_SHARE = 0.5;

/**
 * The OR of `terms` without the very common ones (all of them when none is rare), with an upper bound of how
 * many memories it matches; null for fewer than two terms (not counted). A term is dropped only when it matches
 * more memories than the search returns: then its near-zero-scored matches would be an arbitrary cut anyway,
 * while in a small store the common term ("postgres" in most of 20 notes) still lists what exists.
 */
export function withoutCommonTerms(
  terms: readonly string[],
  limit: number,
  count: (terms: readonly string[]) => { docs: number; counts: number[] },
): { match: string; matches: number } | null {
  if (terms.length < 2) return null;
  const { docs, counts } = count(terms);
  const common = (n: number) => n > COMMON_TERM_SHARE * docs && n > limit;
  const all = terms.map((term, i) => ({ term, n: counts[i]! }));
  const rare = all.filter((t) => !common(t.n));
  const kept = rare.length > 0 ? rare : all;
  return { match: kept.map((t) => t.term).join(" OR "), matches: kept.reduce((sum, t) => sum + t.n, 0) };
}
