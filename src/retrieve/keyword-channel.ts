/**
 * @module The keyword channel: SQLite FTS5 BM25 over content and tags, through the safe query builder. The
 * store drops terms that most memories contain when rarer ones are present (store/common-terms.ts), counting
 * them where it searches.
 */
import type { Store } from "../store/store.ts";
import { BASE_CANDIDATES, type ChannelHit, type ChannelQuery, type RetrievalChannel } from "./channel.ts";
import { buildKeywordQuery } from "./fts-query.ts";
import { rescoreSmall } from "./keyword-rescore.ts";

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
    const own = projectTerm(query.filter.scope.projects);
    const terms = [...words, ...phrases];
    const kept = terms.filter((t) => t !== own);
    const all = kept.length === 0 || kept.length === terms.length;
    const searched = all ? terms : kept;
    const hits = await this.#store.searchTextSoon(all ? match : kept.join(" OR "), query.filter, query.now, query.limit, searched);
    // Fewer than asked for: every match is here, and a small store's common words are counted (keyword-rescore.ts).
    // Judged against a default recall's candidates whatever the limit, so a larger one scores alike.
    return hits.length < Math.min(query.limit, BASE_CANDIDATES) ? rescoreSmall(this.#store, searched, hits) : hits;
  }
}

/**
 * The query term naming the one project searched ("tidepool" in "which bus does tidepool's ingestion use?"
 * searched in tidepool): within that project it tells nothing apart, yet it ranked the memories that happen
 * to write the name (often the older ones: "tidepool ingestion: … Kafka") above those that do not ("we moved
 * ingestion onto NATS"). The name is the key's last segment (a path's or remote's), as the query builder
 * would quote it.
 */
function projectTerm(projects: readonly string[] | null | undefined): string | null {
  if (!projects || projects.length !== 1) return null;
  const name = projects[0]!.replace(/\.git$/, "").split(/[/\\:]/).filter(Boolean).at(-1);
  return name ? (buildKeywordQuery(name).terms[0] ?? null) : null;
}
