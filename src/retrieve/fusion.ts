/** @module Fusing ranked lists from several channels into one ranking (weighted reciprocal rank fusion). */
import type { Memory } from "../domain/memory.ts";
import type { ChannelHit } from "./channel.ts";

export interface FusedHit {
  memory: Memory;
  score: number;
  /** Per channel: rank (1-based) and raw score, for --explain. */
  channels: Record<string, { rank: number; score: number }>;
}

/** RRF's damping constant; 60 is the value from Cormack et al. and works without tuning. */
const K = 60;

/**
 * Combines channel results. One channel passes through with its own scores (so keyword-only recall
 * reports plain BM25). Several channels are fused by weighted reciprocal rank, which needs no score
 * calibration between channels. Ties go to the newer memory.
 */
export function fuse(results: ReadonlyArray<{ channel: string; weight: number; hits: ChannelHit[] }>): FusedHit[] {
  const byId = new Map<string, FusedHit>();
  const single = results.filter((r) => r.hits.length > 0).length <= 1;
  for (const { channel, weight, hits } of results) {
    hits.forEach((hit, i) => {
      const entry = byId.get(hit.memory.id) ?? { memory: hit.memory, score: 0, channels: {} };
      entry.channels[channel] = { rank: i + 1, score: hit.score };
      entry.score += single ? hit.score : weight / (K + i + 1);
      byId.set(hit.memory.id, entry);
    });
  }
  return [...byId.values()].sort(
    (a, b) => b.score - a.score || b.memory.createdAt - a.memory.createdAt || (a.memory.id < b.memory.id ? 1 : -1),
  );
}
