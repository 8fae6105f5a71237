/**
 * @module What `cairn recall --explain` shows per result: each channel's rank, raw score and the part of the
 * final score it gave, then what session context added, so the parts add up to the score (unless a reranker
 * replaced it) and a surprising result can be traced to the channel that put it there.
 */
import type { ChannelContribution } from "./fusion.ts";

export interface Explained {
  channels: Record<string, ChannelContribution>;
  lifts: Record<string, number>;
  duplicateOf?: string;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;

/** One line: "keyword #1 8.214 +0.700 · time #2 1.000 +0.300 · session +1.000 · neighbour +0.090". */
export function explainText(hit: Explained): string {
  const parts = Object.entries(hit.channels).map(([name, c]) => `${name} #${c.rank} ${c.score.toFixed(3)} ${signed(c.contribution)}`);
  for (const [name, lift] of Object.entries(hit.lifts)) if (lift !== 0) parts.push(`${name} ${signed(lift)}`);
  if (hit.duplicateOf) parts.push(`near-duplicate of ${hit.duplicateOf.slice(0, 8)}`);
  return parts.length > 0 ? parts.join(" · ") : "no channel scored it";
}

/** The same, for --json (snake_case, rounded). */
export function explainJson(hit: Explained): Record<string, unknown> {
  return {
    channels: Object.fromEntries(
      Object.entries(hit.channels).map(([name, c]) => [name, { rank: c.rank, score: round(c.score), contribution: round(c.contribution) }]),
    ),
    lifts: Object.fromEntries(Object.entries(hit.lifts).map(([name, v]) => [name, round(v)])),
    ...(hit.duplicateOf ? { duplicate_of: hit.duplicateOf } : {}),
  };
}
