/**
 * @module Flagged on write, first in recall: when `remember` compared a new statement with the nearest older
 * ones of its scope and reported a possible conflict it did not settle itself (engine/related-on-write.ts),
 * it kept a `contradicts` link marked `possible` from the later statement to the earlier. When the earlier
 * one is among the results and the later one among the candidates, the later one goes just ahead of it: it
 * often says the new state in other words ("Build server retired. All checks now run as workflows under
 * .github/workflows" after "CI runs on our Jenkins server"), so it matches a question about the subject less
 * than the stale one does. Decisions, preferences and facts only (a lesson or an error adds to what came
 * before rather than replacing it); only the order changes; a question that names a time keeps the order it
 * scored (recall.ts). Measured in DESIGN.md ("Possible conflicts kept").
 */
import { statesHowThingsAre } from "../domain/kinds.ts";
import type { Link } from "../store/edges.ts";
import type { FusedHit } from "./fusion.ts";
import { moveAhead } from "./move-ahead.ts";

export interface FlaggedFirst {
  hits: FusedHit[];
  /** For each memory moved ahead: the earlier result it was flagged against on write. */
  flagged: Map<string, string>;
}

/** By earlier result among `links` (the store's links of some results): the later memories that flagged it. */
export function flaggers(links: readonly Link[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const l of links) {
    // Open, or confirmed as a conflict (`relate … contradicts`); a dismissed one flags nothing.
    if (!(l.possible || l.settled === "conflict") || l.outgoing || l.other === l.id) continue;
    const of = out.get(l.id);
    if (of) of.add(l.other);
    else out.set(l.id, new Set([l.other]));
  }
  return out;
}

/** `hits` with each later memory of `flaggedBy` (earlier result → its flaggers) just ahead of the earlier one among the first `depth`. */
export function flaggedFirst(hits: readonly FusedHit[], depth: number, flaggedBy: ReadonlyMap<string, ReadonlySet<string>>): FlaggedFirst {
  if (flaggedBy.size === 0) return { hits: [...hits], flagged: new Map() };
  const { hits: out, moved } = moveAhead(hits, { depth, below: Number.POSITIVE_INFINITY }, (older, newer) => {
    const [o, n] = [older.memory, newer.memory];
    return flaggedBy.get(o.id)?.has(n.id) === true && n.createdAt >= o.createdAt && statesHowThingsAre(o) && statesHowThingsAre(n);
  });
  return { hits: out, flagged: moved };
}
