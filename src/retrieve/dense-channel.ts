/**
 * @module The dense channel: cosine similarity between the query's embedding and stored memory vectors of
 * the active model only (never across models or widths). Before each search it embeds a bounded number of
 * memories still lacking vectors and catches up with vectors other processes wrote; if coverage is still
 * partial, it says so instead of answering as if it were complete.
 */
import type { Embedder } from "../embed/port.ts";
import { embedPending } from "../engine/embedding.ts";
import type { Store } from "../store/store.ts";
import type { ChannelHit, ChannelQuery, RetrievalChannel } from "./channel.ts";
import { VectorIndex } from "./vector-index.ts";

export interface DenseChannelOptions {
  store: Store;
  /** Opens the active model; called once, on first use (loading a model costs tens of milliseconds). */
  open: () => Promise<Embedder>;
  /** Most memories embedded before one search (default 256); the rest waits for `cairn models reembed`. */
  catchUpLimit?: number;
  /** Time budget for that catch-up in ms (default 2000). */
  catchUpMs?: number;
}

export class DenseChannel implements RetrievalChannel {
  readonly name = "dense";
  readonly #opts: DenseChannelOptions;
  #embedder: Promise<Embedder> | undefined;
  #index: VectorIndex | undefined;
  #warnings: string[] = [];
  #background: Promise<unknown> = Promise.resolve();
  /** The database's change token when the index was last brought up to date. */
  #seen = "";
  /** Memories still lacking a vector after the last catch-up. */
  #remaining = 0;

  constructor(opts: DenseChannelOptions) {
    this.#opts = opts;
  }

  /** The loaded model (rejects with MODEL_UNAVAILABLE when it cannot load; the failure is remembered). */
  embedder(): Promise<Embedder> {
    this.#embedder ??= this.#opts.open();
    return this.#embedder;
  }

  /** Notices from the last search, e.g. partial coverage. Reading clears them. */
  takeWarnings(): string[] {
    const w = this.#warnings;
    this.#warnings = [];
    return w;
  }

  /** Embeds new memories soon, off the caller's path (long-lived processes call this after writes). */
  schedule(): void {
    this.#background = this.#background
      .then(async () => embedPending(this.#opts.store, await this.embedder(), { max: 1024 }))
      .catch(() => undefined); // a broken model is reported by recall and doctor, not by a write
  }

  async search(query: ChannelQuery): Promise<ChannelHit[]> {
    const embedder = await this.embedder();
    const { store } = this.#opts;
    await this.#background;
    // Catching up costs two O(n) queries (~7 ms at 10k); skip it when nothing was written since the last
    // search and nothing was left pending. The token covers other processes' writes too.
    const token = store.vectors.changeToken();
    const fresh = token === this.#seen && this.#remaining === 0 && this.#index !== undefined;
    if (!fresh) {
      const { remaining } = await embedPending(store, embedder, {
        max: this.#opts.catchUpLimit ?? 256,
        deadline: performance.now() + (this.#opts.catchUpMs ?? 2000),
      });
      this.#remaining = remaining;
      if (!this.#index || this.#index.model !== embedder.model || this.#index.dims !== embedder.dims) {
        this.#index = new VectorIndex(embedder.model, embedder.dims);
      }
      this.#index.sync(store.vectors);
      this.#seen = store.vectors.changeToken();
    }
    if (this.#remaining > 0) {
      this.#warnings.push(
        `${this.#remaining} memories have no ${embedder.model} vector yet, so semantic matches cover only part of your memories; run \`cairn models reembed\`.`,
      );
    }
    const index = this.#index!;
    if (index.size === 0) return [];
    const [q] = await embedder.embed([query.text], "query");
    const { seqs, scores } = index.scores(q!);
    // Every candidate is kept for ranking (fusion normalises within the list; cutting at the model's bar
    // cost 2 points R@5 on LoCoMo), but ones below the bar are marked weak: recall drops a memory that only
    // weak dense matches support, so a query that matches nothing still gets nothing.
    const bar = embedder.minScore ?? 0;
    const hits: ChannelHit[] = [];
    // Read the best first; only when filters reject most of them is every score ranked.
    let order = topIndices(scores, Math.max(query.limit * 8, 400));
    let chunk = Math.max(query.limit * 4, 100);
    for (let at = 0; at < order.length && hits.length < query.limit; at += chunk, chunk *= 2) {
      if (at + chunk > order.length && order.length < scores.length) {
        order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
      }
      const slice = order.slice(at, at + chunk);
      const found = store.vectors.memoriesBySeq(slice.map((i) => seqs[i]!), query.filter, query.now);
      for (const i of slice) {
        const memory = found.get(seqs[i]!);
        if (memory) hits.push({ memory, score: scores[i]!, ...(scores[i]! < bar ? { weak: true } : {}) });
        if (hits.length >= query.limit) break;
      }
    }
    return hits;
  }

  async dispose(): Promise<void> {
    await this.#background;
    const e = this.#embedder;
    this.#embedder = undefined;
    if (e) await e.then((m) => m.dispose()).catch(() => undefined);
  }
}

/**
 * The indices of the `count` best scores, best first, by bounded insertion: O(n log count) rather than
 * sorting all n (~3 ms at 10k), since a search rarely reads past the first few hundred.
 */
export function topIndices(scores: Float32Array, count: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (top.length === count && s <= scores[top[count - 1]!]!) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (scores[top[mid]!]! >= s) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, i);
    if (top.length > count) top.pop();
  }
  return top;
}
