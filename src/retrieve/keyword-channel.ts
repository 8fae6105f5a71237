/**
 * @module The keyword channel: SQLite FTS5 BM25 over content and tags, through the safe query builder. Terms
 * that most memories contain are dropped when rarer ones are present: FTS5's BM25 gives a term in over half
 * the documents an idf of ~0, so it ranks nothing, yet every memory holding it became a candidate and was
 * read and scored (on LoCoMo, a speaker's name: p50 6.6 → 4.1 ms, recall unchanged at 0–4 once session
 * neighbours join the candidates).
 */
import type { Store } from "../store/store.ts";
import type { ChannelHit, ChannelQuery, RetrievalChannel } from "./channel.ts";
import { buildKeywordQuery } from "./fts-query.ts";

/** A term matching more than this share of all memories is dropped if a rarer term remains. */
export const COMMON_TERM_SHARE = 0.5;

export class KeywordChannel implements RetrievalChannel {
  readonly name = "keyword";
  readonly scale = "ratio";
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async search(query: ChannelQuery): Promise<ChannelHit[]> {
    const { match, terms: words, phrases } = buildKeywordQuery(query.text);
    if (match === null) return [];
    const terms = [...words, ...phrases];
    const kept = await this.#withoutCommonTerms(terms, query.limit);
    return this.#store.searchTextSoon(kept?.match ?? match, query.filter, query.now, query.limit, kept?.matches);
  }

  /**
   * The query without its very common terms (the whole query when none is), with an upper bound of how many
   * memories it matches; null for a single term (not counted). A term is dropped only when it matches more
   * memories than the channel returns: then its near-zero-scored matches would be an arbitrary cut anyway,
   * while in a small store the common term ("postgres" in most of 20 notes) still lists what exists.
   */
  async #withoutCommonTerms(terms: readonly string[], limit: number): Promise<{ match: string; matches: number } | null> {
    if (terms.length < 2) return null;
    const { docs, counts } = await this.#store.termStatsSoon(terms);
    const common = (n: number) => n > COMMON_TERM_SHARE * docs && n > limit;
    const all = terms.map((term, i) => ({ term, n: counts[i]! }));
    const rare = all.filter((t) => !common(t.n));
    const kept = rare.length > 0 ? rare : all;
    return { match: kept.map((t) => t.term).join(" OR "), matches: kept.reduce((sum, t) => sum + t.n, 0) };
  }
}
