/**
 * @module Keyword scores that count every query word in a small store. FTS5's bm25() gives a term in half the
 * memories or more an idf of zero (floored at 1e-6). A large store never notices (such a term is dropped when a
 * rarer one is there: store/common-terms.ts); a small one does: of five notes, three about unit tests, "which test
 * runner do unit tests use?" ranked "Use pnpm to install dependencies" first on "use" alone, the notes about unit
 * tests scoring 0 (QA). When a search of a small store returned every match (fewer than it asked for) and a term
 * is in half the memories or more, they are scored again by the same BM25 (the index's counts, column weights,
 * lengths, k1 and b) with its idf kept above zero: log(1 + (N − n + 0.5)/(n + 0.5)) (terms.ts idf, Lucene's).
 */
import { porterStem } from "../text/porter.ts";
import { indexText } from "../text/tokenize.ts";
import { bm25 } from "../store/text-index-lists.ts";
import { BM25_WEIGHTS } from "../store/text-index.ts";
import type { Store } from "../store/store.ts";
import type { ChannelHit } from "./channel.ts";
import { idf } from "./terms.ts";

/**
 * Stores up to this many memories are scored again: a term in half of them then matches fewer memories than a
 * search asks for (it is not dropped as common), and counting each term costs at most this many matches.
 */
export const RESCORE_MAX_DOCS = 2_000;

const TOKEN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/**
 * The index's tokens of a text (unicode61's, lowercased, Porter-stemmed), where only those that may stem to one of
 * the query's words are stemmed (they begin as one does: `starts`, each stem's first three letters or all of a
 * shorter one), the rest kept as "": their count is the document's length all the same, and stemming every word
 * of every hit cost ~1.5 ms of a recall.
 */
function indexTokens(text: string, starts: ReadonlySet<string>): string[] {
  return (indexText(text).match(TOKEN) ?? []).map((t) => {
    const lower = t.toLowerCase();
    return starts.has(lower.slice(0, 3)) || starts.has(lower.slice(0, 2)) || starts.has(lower.slice(0, 1)) ? porterStem(lower) : "";
  });
}

/** How often the token sequence `words` occurs in `seq`. */
function occurrences(seq: readonly string[], words: readonly string[]): number {
  let n = 0;
  for (let i = 0; i + words.length <= seq.length; i++) {
    let j = 0;
    while (j < words.length && seq[i + j] === words[j]) j++;
    if (j === words.length) n++;
  }
  return n;
}

/**
 * `hits` (every match of `terms` a search found) scored again, best first; as they are when the store is larger
 * than {@link RESCORE_MAX_DOCS}, a term is a prefix search (`"deploy"*`), or its totals are unreadable.
 */
export function rescoreSmall(store: Store, terms: readonly string[], hits: ChannelHit[]): ChannelHit[] {
  if (hits.length < 2 || terms.some((t) => !/^"[^"]+"$/.test(t))) return hits;
  if (store.termStats([]).docs > RESCORE_MAX_DOCS) return hits;
  const { docs, counts, tokens } = store.termStats(terms);
  // FTS5's idf is above zero for every term in fewer than half the memories: its ranking stands.
  if (tokens === undefined || docs === 0 || counts.every((n) => 2 * n < docs)) return hits;
  const avgdl = tokens / docs;
  const words = terms.map((t) => t.slice(1, -1).split(" ").map((w) => porterStem(w)));
  // A stem is a prefix of each word stemming to it, so three letters (or the whole of a shorter stem) tell them.
  const starts = new Set(words.flat().map((w) => w.slice(0, 3)));
  const scored = hits.map((h, i) => {
    const content = indexTokens(h.memory.content, starts);
    const tags = indexTokens(h.memory.tags.join(" "), starts);
    let score = 0;
    words.forEach((w, k) => {
      const f = BM25_WEIGHTS[0] * occurrences(content, w) + BM25_WEIGHTS[1] * occurrences(tags, w);
      if (f > 0) score += bm25(idf(counts[k]!, docs), f, content.length + tags.length, avgdl);
    });
    return { hit: { ...h, score }, i };
  });
  if (scored.every((s) => s.hit.score === 0)) return hits;
  return scored.sort((a, b) => b.hit.score - a.hit.score || a.i - b.i).map((s) => s.hit);
}
