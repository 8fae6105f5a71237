/**
 * @module The relevance bar for injecting memories unasked: a memory is shown only when it shares enough
 * of the query's distinct content words (coverage), and scores near the best hit (relative BM25). BM25's
 * absolute scores are useless as a bar (they depend on corpus size: with two memories every IDF is ~0),
 * but "how many of the things the user named does this memory mention" means the same at 5 or 50k memories.
 */
import { indexText } from "../text/tokenize.ts";
import { buildKeywordQuery } from "../retrieve/fts-query.ts";
import type { Memory } from "../domain/memory.ts";

const TOKEN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** A query term: one word, or the words of a compound written without spaces (`node-gyp`, `src/app.ts`). */
export interface Term {
  words: string[];
}

/**
 * A light suffix stripper standing in for the index's Porter stemmer, so "tests" covers "test" here just
 * as it matches in FTS. Over-stemming only merges inflections, which is what we want for coverage.
 */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 3) return w;
  for (const [suffix, repl] of [["ies", "y"], ["sses", "ss"], ["ing", ""], ["ed", ""], ["es", ""], ["s", ""], ["ly", ""]] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3 && !(suffix === "s" && w.endsWith("ss"))) {
      w = w.slice(0, w.length - suffix.length) + repl;
      break;
    }
  }
  return w;
}

export function tokens(text: string): string[] {
  return (indexText(text).match(TOKEN) ?? []).map(stem);
}

/** The distinct content terms of a query, as the keyword channel searches them (stop words dropped). */
export function queryTerms(text: string): Term[] {
  return buildKeywordQuery(text)
    .terms.map((t) => ({ words: t.replace(/^"|"\*?$/g, "").split(" ").map(stem) }))
    .filter((t) => t.words.length > 0 && t.words[0] !== "");
}

export interface Coverage {
  /** Weighted count of query terms the memory contains (a compound term counts 2: it is specific). */
  matched: number;
  /** Weighted count of all query terms. */
  total: number;
}

function weight(t: Term): number {
  return t.words.length > 1 ? 2 : 1;
}

export function coverage(terms: readonly Term[], memory: Pick<Memory, "content" | "tags">): Coverage {
  const seq = tokens(`${memory.content} ${memory.tags.join(" ")}`);
  const have = new Set(seq);
  const joined = ` ${seq.join(" ")} `;
  let matched = 0;
  let total = 0;
  for (const t of terms) {
    total += weight(t);
    const hit = t.words.length === 1 ? have.has(t.words[0]!) : joined.includes(` ${t.words.join(" ")} `);
    if (hit) matched += weight(t);
  }
  return { matched, total };
}

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
