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
import { reportedOnly } from "../capture/change-rules.ts";
import { compareStatements } from "../capture/compare.ts";
import { statesHowThingsAre } from "../domain/kinds.ts";
import { laterThan, type Memory } from "../domain/memory.ts";
import type { Link } from "../store/edges.ts";
import type { FusedHit } from "./fusion.ts";
import { moveAhead } from "./move-ahead.ts";

export interface FlaggedFirst {
  hits: FusedHit[];
  /** For each memory moved ahead: the earlier result it was flagged against on write. */
  flagged: Map<string, string>;
}

/**
 * By earlier result among `links` (the store's links of some results): the later memories that flagged it,
 * each with whether the conflict was confirmed (`relate … contradicts`) rather than left open.
 */
export function flaggers(links: readonly Link[]): Map<string, Map<string, boolean>> {
  const out = new Map<string, Map<string, boolean>>();
  for (const l of links) {
    // Open, or confirmed as a conflict; a dismissed one flags nothing.
    if (!(l.possible || l.settled === "conflict") || l.outgoing || l.other === l.id) continue;
    const of = out.get(l.id) ?? new Map<string, boolean>();
    of.set(l.other, of.get(l.other) === true || l.settled === "conflict");
    out.set(l.id, of);
  }
  return out;
}

/**
 * Whether the write-time rules still read `next` as a change of `prev`. An open flag is asked again: it may
 * come from an earlier version of the rules (one that took two services' facts for one service's change), an
 * import, or a text edited since, and a stale flag must not put a memory about something else first.
 */
function stillAChange(prev: string, next: string): boolean {
  const { relation, reason } = compareStatements(prev, next);
  return (relation === "update" || relation === "conflict") && !reportedOnly(reason);
}

/** Whether `newer`'s flag on `older` holds: it is later, and confirmed or still read as a change. */
export function flagHolds(older: Memory, newer: Memory, confirmed: boolean): boolean {
  return laterThan(newer, older, 0) && (confirmed || stillAChange(older.content, newer.content));
}

/**
 * `hits` with each later memory of `flaggedBy` (earlier result → its flaggers, confirmed or open) just ahead of
 * the earlier one among the first `depth`; an open flag only while the rules still read it as a change.
 */
export function flaggedFirst(hits: readonly FusedHit[], depth: number, flaggedBy: ReadonlyMap<string, ReadonlyMap<string, boolean>>): FlaggedFirst {
  if (flaggedBy.size === 0) return { hits: [...hits], flagged: new Map() };
  const { hits: out, moved } = moveAhead(hits, { depth, below: Number.POSITIVE_INFINITY }, (older, newer) => {
    const [o, n] = [older.memory, newer.memory];
    const confirmed = flaggedBy.get(o.id)?.get(n.id);
    return confirmed !== undefined && statesHowThingsAre(o) && statesHowThingsAre(n) && flagHolds(o, n, confirmed);
  });
  return { hits: out, flagged: moved };
}
