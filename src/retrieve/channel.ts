/**
 * @module The retrieval-channel port. A channel turns a query into scored candidates from one signal
 * (keyword BM25 today; dense vectors and time later). Channels run in parallel and are fused.
 */
import type { Memory, MemoryFilter } from "../domain/memory.ts";

export interface ChannelQuery {
  text: string;
  filter: MemoryFilter;
  now: number;
  /** How many candidates the channel should return at most. */
  limit: number;
}

export interface ChannelHit {
  memory: Memory;
  /** The channel's own score; higher is better. Only comparable within one channel. */
  score: number;
  /**
   * Below the channel's relevance bar: it helps rank memories other channels found, but is not enough to
   * return the memory on its own (a nearest neighbour always exists, relevant or not).
   */
  weak?: boolean;
}

/**
 * How a channel's scores behave, which decides how fusion normalises them: "ratio" scores have a true
 * zero (BM25: no matching term), "interval" scores only order (cosine: unrelated text still scores ~0.3).
 */
export type ScoreScale = "ratio" | "interval";

export interface RetrievalChannel {
  /** Short stable name shown by --explain (e.g. "keyword"). */
  readonly name: string;
  /** Default "interval". */
  readonly scale?: ScoreScale;
  search(query: ChannelQuery): Promise<ChannelHit[]>;
  /** Notices about the last search the user should see (e.g. partial vector coverage); reading clears them. */
  takeWarnings?(): string[];
}

/** Recall modes a caller can ask for; each maps to a set of channels. */
export const RECALL_MODES = ["keyword", "semantic", "hybrid"] as const;
export type RecallMode = (typeof RECALL_MODES)[number];
