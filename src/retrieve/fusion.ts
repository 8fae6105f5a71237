/**
 * @module Fusing ranked lists from several channels into one ranking: a weighted sum of per-channel
 * normalised scores (CombSUM), chosen by measurement on LoCoMo (see DESIGN.md): with USE-lite it lifts
 * BM25 by ~3 points R@5 on held-out conversations, where reciprocal-rank fusion fell ~9 points below it.
 */
import type { Memory } from "../domain/memory.ts";
import { BASE_CANDIDATES, type ChannelHit, type ScoreScale } from "./channel.ts";

export interface FusedHit {
  memory: Memory;
  score: number;
  /** Per channel: rank (1-based), raw score, and what it added to `score` (for --explain). */
  channels: Record<string, ChannelContribution>;
  /** Lifts added after fusion (session context), in the same units as `score`, for --explain. */
  lifts?: Record<string, number>;
  /** Every channel that found it marked it weak: not to be returned on its own. */
  weak: boolean;
}

export interface ChannelContribution {
  rank: number;
  score: number;
  /** The part of the memory's score this channel gave: weight × normalised score. */
  contribution: number;
  /** Set when the channel kept a match below its fixed bar because it stood out (standard deviations). */
  standout?: number;
  /** Set when the memory is in another script than the query, which the model cannot relate (dense). */
  otherScript?: true;
}

export interface ChannelResult {
  channel: string;
  weight: number;
  /** How the channel's scores are normalised before weighting (default "interval"). */
  scale?: ScoreScale;
  hits: ChannelHit[];
}

/**
 * Combines channel results. One channel passes through with its own scores (so keyword-only recall
 * reports plain BM25). Several channels are combined as Σ weight × normalised score, where a memory a
 * channel did not return counts 0 for it. "ratio" scores (BM25: zero means no evidence) are divided by
 * the list's best; "interval" scores (cosine: the baseline is arbitrary) are min-max scaled; "absolute"
 * scores (time fit, 0–1) are used as they are. Ties go to the newer memory.
 */
export function fuse(results: readonly ChannelResult[]): FusedHit[] {
  const byId = new Map<string, FusedHit>();
  const single = results.filter((r) => r.hits.length > 0).length <= 1;
  for (const { channel, weight, scale, hits } of results) {
    const norm = single ? (s: number) => s : normaliser(hits, scale ?? "interval");
    hits.forEach((hit, i) => {
      const entry = byId.get(hit.memory.id) ?? { memory: hit.memory, score: 0, channels: {}, weak: true };
      entry.weak &&= hit.weak === true;
      const contribution = single ? hit.score : weight * norm(hit.score);
      entry.channels[channel] = {
        rank: i + 1,
        score: hit.score,
        contribution,
        ...(hit.standout === undefined ? {} : { standout: hit.standout }),
        ...(hit.otherScript ? { otherScript: true as const } : {}),
      };
      entry.score += contribution;
      byId.set(hit.memory.id, entry);
    });
  }
  return [...byId.values()].sort(
    (a, b) => b.score - a.score || b.memory.createdAt - a.memory.createdAt || (a.memory.id < b.memory.id ? 1 : -1),
  );
}

function normaliser(hits: readonly ChannelHit[], scale: ScoreScale): (s: number) => number {
  if (scale === "absolute") return (s) => s;
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  // Scaled by its first BASE_CANDIDATES: a longer list (a larger limit) reaches lower scores, which would
  // change every memory's contribution. Scores past them count 0 below the floor.
  for (const h of hits.slice(0, BASE_CANDIDATES)) {
    max = Math.max(max, h.score);
    min = Math.min(min, h.score);
  }
  if (scale === "ratio") return (s) => (max > 0 ? s / max : 0);
  return (s) => (max > min ? Math.max(0, (s - min) / (max - min)) : 1);
}
