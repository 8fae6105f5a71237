/**
 * @module The optional rerank stage: a cross-encoder rescores the fused top candidates jointly with the
 * query. Loaded lazily on first use; recall skips it when no reranker is installed.
 */
import type { Reranker } from "../embed/port.ts";
import type { FusedHit } from "./fusion.ts";

/** How many fused candidates the cross-encoder sees; it is the slowest step, so keep this small. */
export const RERANK_DEPTH = 30;

export interface RerankStage {
  readonly name: string;
  rerank(query: string, hits: FusedHit[]): Promise<FusedHit[]>;
}

export class CrossEncoderStage implements RerankStage {
  readonly name: string;
  readonly #open: () => Promise<Reranker>;
  #model: Promise<Reranker> | undefined;

  constructor(name: string, open: () => Promise<Reranker>) {
    this.name = name;
    this.#open = open;
  }

  async rerank(query: string, hits: FusedHit[]): Promise<FusedHit[]> {
    if (hits.length < 2) return hits;
    this.#model ??= this.#open();
    const model = await this.#model;
    const head = hits.slice(0, RERANK_DEPTH);
    const scores = await model.score(query, head.map((h) => h.memory.content));
    const ranked = head
      .map((h, i) => ({ ...h, score: scores[i]!, channels: { ...h.channels, rerank: { rank: 0, score: scores[i]!, contribution: scores[i]! } } }))
      .sort((a, b) => b.score - a.score);
    ranked.forEach((h, i) => {
      h.channels.rerank!.rank = i + 1;
    });
    return [...ranked, ...hits.slice(RERANK_DEPTH)];
  }

  async dispose(): Promise<void> {
    const m = this.#model;
    this.#model = undefined;
    if (m) await m.then((r) => r.dispose()).catch(() => undefined);
  }
}
