/**
 * @module Query terms and how much of them a memory contains: the light stemmer standing in for the index's
 * Porter stemmer, a query's distinct content terms as the keyword channel searches them, and coverage (plain
 * or weighted by how rare each term is in the store). Shared by recall's abstention and the hooks' bars.
 */
import type { Memory } from "../domain/memory.ts";
import { indexText } from "../text/tokenize.ts";
import { buildKeywordQuery } from "./fts-query.ts";

const TOKEN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** A query term: one word, or the words of a compound written without spaces (`node-gyp`, `src/app.ts`). */
export interface Term {
  words: string[];
  /** The FTS expression the keyword channel searches for it (`"node gyp"`), for document counts. */
  match: string;
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
    .terms.map((t) => ({ match: t, words: t.replace(/^"|"\*?$/g, "").split(" ").map(stem) }))
    .filter((t) => t.words.length > 0 && t.words[0] !== "");
}

export interface Coverage {
  /** Weighted count of query terms the memory contains. */
  matched: number;
  /** Weighted count of all query terms. */
  total: number;
}

/** The default weight: a compound term counts 2 (it is specific), a word 1. */
export function compoundWeight(t: Term): number {
  return t.words.length > 1 ? 2 : 1;
}

/** Which of `terms` the memory contains (a compound as a phrase), weighted by `weight` (term, index). */
export function coverage(
  terms: readonly Term[],
  memory: Pick<Memory, "content" | "tags">,
  weight: (t: Term, i: number) => number = compoundWeight,
): Coverage {
  const seq = tokens(`${memory.content} ${memory.tags.join(" ")}`);
  const have = new Set(seq);
  const joined = ` ${seq.join(" ")} `;
  let matched = 0;
  let total = 0;
  terms.forEach((t, i) => {
    const w = weight(t, i);
    total += w;
    const hit = t.words.length === 1 ? have.has(t.words[0]!) : joined.includes(` ${t.words.join(" ")} `);
    if (hit) matched += w;
  });
  return { matched, total };
}

/** BM25's idf for a term matching `n` of `docs` memories (never negative, highest for unseen terms). */
export function idf(n: number, docs: number): number {
  return Math.log(1 + (docs - n + 0.5) / (n + 0.5));
}
