/** @module What every engine operation works with: the store, the clock, who is acting, and the default scope. */
import type { RetrievalChannel } from "../retrieve/channel.ts";
import type { RerankStage } from "../retrieve/rerank.ts";
import type { Store } from "../store/store.ts";

export interface EngineContext {
  store: Store;
  /** Milliseconds since the epoch; injectable so tests control time. */
  now: () => number;
  /** Recorded in the audit log: "cli", "mcp", "hook", "import" … */
  actor: string;
  /** The project that operations default to (the git root of the working directory). */
  project: string;
  /** Retrieval channels by name, e.g. { keyword: KeywordChannel }. */
  channels: Readonly<Record<string, RetrievalChannel>>;
  /** Optional cross-encoder stage over the fused candidates (present only when a reranker is installed). */
  reranker?: RerankStage;
}
