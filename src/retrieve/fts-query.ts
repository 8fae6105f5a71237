/**
 * @module The safe FTS5 query builder. Any user text becomes a valid MATCH expression: every term is
 * quoted, so FTS5 syntax in the input (quotes, `*`, `-`, `NEAR`, `AND`, `OR`, `NOT`, parentheses, column
 * filters) is searched for as words and can never raise a syntax error.
 */
import { indexText } from "../store/content-codec.ts";
import { STOPWORDS } from "./stopwords.ts";

/** Bounds the cost of one query: enough for a paragraph-long prompt. */
const MAX_TERMS = 32;

// The same notion of a token as FTS5's unicode61 tokenizer: letters, numbers, marks, private use.
const TOKEN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

export interface KeywordQuery {
  /** The FTS5 MATCH expression, or null when the text holds nothing searchable. */
  match: string | null;
  /** The terms searched for (for --explain and tests). */
  terms: string[];
}

/**
 * Builds an OR query over the words of `text`. A chunk written without spaces but made of several
 * tokens (`node-gyp`, `user_id`, `v1.2.3`, `src/app.ts`, a CJK run) becomes a phrase, so its parts must
 * appear together. A single word ending in `*` becomes a prefix search. Stop words are dropped unless
 * nothing else is left.
 */
export function buildKeywordQuery(text: string): KeywordQuery {
  const terms: string[] = [];
  const stop: string[] = [];
  const seen = new Set<string>();
  for (const chunk of text.split(/\s+/)) {
    const tokens = indexText(chunk).match(TOKEN);
    if (!tokens) continue;
    const lower = tokens.map((t) => t.toLowerCase());
    let term: string;
    if (lower.length > 1) term = `"${lower.join(" ")}"`;
    else if (chunk.endsWith("*") && lower[0]!.length >= 2) term = `"${lower[0]}"*`;
    else term = `"${lower[0]}"`;
    if (seen.has(term)) continue;
    seen.add(term);
    (lower.length === 1 && STOPWORDS.has(lower[0]!) ? stop : terms).push(term);
  }
  const chosen = (terms.length > 0 ? terms : stop).slice(0, MAX_TERMS);
  return { match: chosen.length > 0 ? chosen.join(" OR ") : null, terms: chosen };
}
