/**
 * @module The relevance bar for injecting memories unasked: a memory is shown only when it shares enough
 * of the query's distinct content words (coverage), and scores near the best hit (relative BM25). BM25's
 * absolute scores are useless as a bar (they depend on corpus size: with two memories every IDF is ~0),
 * but "how many of the things the user named does this memory mention" means the same at 5 or 50k memories.
 */
import type { Memory } from "../domain/memory.ts";
import { type Coverage, compoundWeight as weight, coverage, queryTerms } from "../retrieve/terms.ts";

export { type Coverage, coverage, queryTerms, stem, type Term, tokens } from "../retrieve/terms.ts";

/**
 * How many (weighted) query terms a memory must contain. One shared word is chance; a short prompt must
 * be half covered ("fix the failing unit test in the parser" shares "fail" and "test" with a note about
 * integration tests failing, and is not about it). Long prompts mention many things a short memory cannot,
 * so the bar stops at 3 terms.
 */
export function requiredMatches(total: number): number {
  if (total <= 2) return total;
  if (total <= 6) return Math.ceil(total / 2);
  return 3;
}

/** Hits must also score at least this fraction of the best hit's BM25: the tail of an OR query is noise. */
export const RELATIVE_SCORE_BAR = 0.35;

export interface Candidate {
  memory: Memory;
  score: number;
}

/**
 * The candidates that clear the bar, best first. `minTerms` is the smallest query worth answering: a
 * one-word prompt ("continue", "yes") names no topic.
 */
export function relevant<T extends Candidate>(query: string, hits: readonly T[], minTerms = 2): Array<T & { coverage: Coverage }> {
  const terms = queryTerms(query);
  const total = terms.reduce((n, t) => n + weight(t), 0);
  if (total < minTerms || hits.length === 0) return [];
  const need = requiredMatches(total);
  const top = Math.max(...hits.map((h) => h.score));
  return hits
    .map((h) => ({ ...h, coverage: coverage(terms, h.memory) }))
    .filter((h) => h.coverage.matched >= need && h.score >= top * RELATIVE_SCORE_BAR);
}
