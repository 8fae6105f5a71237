/**
 * @module The retrieval-channel port. A channel turns a query into scored candidates from one signal
 * (keyword BM25, dense vectors, time). Search channels run in parallel; re-scoring channels then score what
 * they found (time cannot find memories by itself: "last week" matches hundreds), and all lists are fused.
 */
import type { Memory, MemoryFilter } from "../domain/memory.ts";

/**
 * How many candidates recall asks each channel for at its default limit (more for a larger limit). Anything
 * judged from a list as a whole — its scale in fusion, how far a match stands out — is judged from its first
 * this many, so a memory's score does not depend on how many results were asked for, and `--limit 50`'s first
 * ten are `--limit 10`'s.
 */
export const BASE_CANDIDATES = 50;

export interface ChannelQuery {
  text: string;
  filter: MemoryFilter;
  now: number;
  /** How many candidates the channel should return at most. */
  limit: number;
  /** For "rescore" channels: the memories the search channels found, to be scored. */
  candidates?: readonly Memory[];
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
  /** Below the channel's fixed bar but kept: this many standard deviations above the query's other candidates. */
  standout?: number;
  /** Written in another script than the query, which the model cannot relate (always weak; never a standout). */
  otherScript?: true;
}

/**
 * How a channel's scores behave, which decides how fusion normalises them: "ratio" scores have a true
 * zero (BM25: no matching term), "interval" scores only order (cosine: unrelated text still scores ~0.3),
 * "absolute" scores already mean the same in every query, from 0 to 1 (time: 1 = inside the window named),
 * so the best of a poor list is not promoted to a perfect match.
 */
export type ScoreScale = "ratio" | "interval" | "absolute";

export interface RetrievalChannel {
  /** Short stable name shown by --explain (e.g. "keyword"). */
  readonly name: string;
  /** Default "interval". */
  readonly scale?: ScoreScale;
  /** "rescore" channels run after the "search" channels (the default) and score their candidates. */
  readonly stage?: "search" | "rescore";
  search(query: ChannelQuery): Promise<ChannelHit[]>;
  /** Memories the last search could not see yet (dense: no vector for the active model yet), exactly. */
  unsearched?(): number;
  /**
   * Vector channels: the stored vectors of those of `ids` that have one, for the model the last search used
   * (none before a search). Recall compares candidates with each other through them (later-first.ts).
   */
  vectorsOf?(ids: readonly string[]): ReadonlyMap<string, Float32Array>;
}

/** Recall modes a caller can ask for; each maps to a set of channels. */
export { RECALL_MODES, type RecallMode } from "../domain/recall-mode.ts";
