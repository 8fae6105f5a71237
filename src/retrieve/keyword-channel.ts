/**
 * @module The keyword channel: SQLite FTS5 BM25 over content and tags, through the safe query builder. The
 * store drops terms that most memories contain when rarer ones are present (store/common-terms.ts), counting
 * them where it searches.
 */
import type { Store } from "../store/store.ts";
import type { ChannelHit, ChannelQuery, RetrievalChannel } from "./channel.ts";
import { buildKeywordQuery } from "./fts-query.ts";

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
    return this.#store.searchTextSoon(match, query.filter, query.now, query.limit, [...words, ...phrases]);
  }
}
