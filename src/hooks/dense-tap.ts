/**
 * @module The dense channel as hooks see it: the warm daemon's loaded model, wrapped so that a handler can
 * read every hit the last search returned, weak ones included, with its cosine. The hook's relevance bar
 * (inject-relevance.ts) needs the query's whole candidate distribution, not only what fusion kept.
 */
import type { ChannelHit, ChannelQuery, RetrievalChannel } from "../retrieve/channel.ts";

export class DenseTap implements RetrievalChannel {
  readonly name = "dense";
  readonly #inner: RetrievalChannel;
  #last: { hits: ChannelHit[]; query: ChannelQuery } | null = null;

  constructor(inner: RetrievalChannel) {
    this.#inner = inner;
  }

  get scale() {
    return this.#inner.scale;
  }

  async search(query: ChannelQuery): Promise<ChannelHit[]> {
    const hits = await this.#inner.search(query);
    this.#last = { hits, query };
    return hits;
  }

  unsearched(): number {
    return this.#inner.unsearched?.() ?? 0;
  }

  /** What the last search was asked and returned (best first, weak hits included), or null when none ran. */
  last(): { hits: ChannelHit[]; query: ChannelQuery } | null {
    return this.#last;
  }
}
