/** @module What every engine operation works with: the store, the clock, who is acting, and the default scope. */
import type { RetrievalChannel } from "../retrieve/channel.ts";
import type { RerankStage } from "../retrieve/rerank.ts";
import type { Store } from "../store/store.ts";

export interface EngineContext {
  store: Store;
  /** Milliseconds since the epoch; injectable so tests control time. */
  now: () => number;
  /** Recorded in the audit log: "cli:<user>", "mcp:<client>/<version>", "hook:<session>", "api" … */
  actor: string;
  /** The key of the project operations default to (the working directory's git remote id, else its root path). */
  project: string;
  /** The project key of a directory the user named (`--project ../app`), else undefined; injected, as it reads disk. */
  locateProject?: (ref: string) => string | undefined;
  /** Retrieval channels by name, e.g. { keyword: KeywordChannel }. */
  channels: Readonly<Record<string, RetrievalChannel>>;
  /** Files outside the database that may quote a purged text (hook state), wired by the composition root. */
  erasure?: ErasurePort;
  /** Optional cross-encoder stage over the fused candidates (present only when a reranker is installed). */
  reranker?: RerankStage;
}

/**
 * Where else a purged text may be written (the hooks' per-session state files). `begin` runs before the purge
 * (writers that loaded such text earlier then know not to write it back), `scrub` after it has committed.
 */
export interface ErasurePort {
  begin(): void;
  scrub(texts: readonly string[]): void;
}
