/**
 * @module What `cairn recall --explain` shows per result: each channel's rank, raw score and the part of the
 * final score it gave, then what session context added, so the parts add up to the score (unless a reranker
 * replaced it) and a surprising result can be traced to the channel that put it there.
 */
import type { Abstention } from "./abstain.ts";
import { JOIN_AMONG, JOIN_MATCHES, type SessionContextNote, SPREAD_SESSIONS } from "./session-context.ts";
import type { ChannelContribution } from "./fusion.ts";
import type { Hop } from "./graph-hops.ts";

/** What --explain tells of a result (engine/recall.ts RecallHit): its channels, its lifts, and why it moved. */
export interface Explained {
  /** Per channel: rank, raw score and contribution to the fused score. */
  channels: Record<string, ChannelContribution>;
  /** What session context added (session, neighbour, graph). */
  lifts: Record<string, number>;
  /** Set when this memory nearly repeats a better-ranked result and was moved behind the distinct ones. */
  duplicateOf?: string;
  /** Set when this newer memory states a change to an older result and was moved just ahead of it (current-first.ts). */
  updates?: string;
  /** Set when the newer-first model (later-first.ts) moved this later statement of the project just ahead of that
   *  earlier result; `newerLikelihood` is its likelihood that the later of the two is the answer. */
  newerThan?: string;
  newerLikelihood?: number;
  /** Set when a link to a strong hit lifted this memory (lifts.graph): that hit and the relation. */
  linked?: Hop;
  /** Set when remember flagged this later statement as a possible change of that earlier result, and it was
   *  moved just ahead of it (flagged-first.ts). */
  flaggedAgainst?: string;
  /** Set when this memory took the place of the superseded one it replaced, which matched the query (in-place-of.ts). */
  inPlaceOf?: string;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;

/**
 * One line: "keyword #1 8.214 +0.700 · time #2 1.000 +0.300 · session +1.000 · neighbour +0.090", then why it
 * moved: "updates 1f2d0ffb" (ahead of the older memory it changes), "near-duplicate of 7d52d68b", "linked: 3c9e1a20
 * fixes this" (the graph lift's link, read from the hit that brought it).
 */
export function explainText(hit: Explained, short: (id: string) => string = (id) => id): string {
  const parts = Object.entries(hit.channels).map(
    ([name, c]) =>
      `${name} #${c.rank} ${c.score.toFixed(3)} ${signed(c.contribution)}` +
      (c.standout === undefined ? "" : ` (below the model's bar, kept: ${c.standout.toFixed(1)} sd above the query's other candidates)`) +
      (c.otherScript ? " (another script than the query's: the model cannot relate them, not enough on its own)" : ""),
  );
  for (const [name, lift] of Object.entries(hit.lifts)) if (lift !== 0) parts.push(`${name} ${signed(lift)}`);
  if (hit.linked) parts.push(`linked: ${hit.linked.outgoing ? `${short(hit.linked.from)} ${hit.linked.relation} this` : `this ${hit.linked.relation} ${short(hit.linked.from)}`}`);
  if (hit.updates) parts.push(`updates ${short(hit.updates)}, moved ahead of it`);
  if (hit.newerThan) {
    const p = hit.newerLikelihood === undefined ? "" : ` ${hit.newerLikelihood.toFixed(2)}`;
    parts.push(`later statement of the project, moved ahead of ${short(hit.newerThan)} by the newer-first model (likelihood${p} that the later of the two is the answer, from closeness in meaning and words, query coverage, places and age; not a judgement that it replaces it)`);
  }
  if (hit.flaggedAgainst) parts.push(`flagged on write as a possible change of ${short(hit.flaggedAgainst)}, moved ahead of it`);
  if (hit.inPlaceOf) parts.push(`in place of ${short(hit.inPlaceOf)}, which matched and which it superseded`);
  if (hit.duplicateOf) parts.push(`near-duplicate of ${short(hit.duplicateOf)}`);
  return parts.length > 0 ? parts.join(" · ") : "no channel scored it";
}

/** The same, for --json (snake_case, rounded). */
export function explainJson(hit: Explained): Record<string, unknown> {
  return {
    channels: Object.fromEntries(
      Object.entries(hit.channels).map(([name, c]) => [
        name,
        {
          rank: c.rank,
          score: round(c.score),
          contribution: round(c.contribution),
          ...(c.standout === undefined ? {} : { standout_sd: round(c.standout) }),
          ...(c.otherScript ? { other_script: true } : {}),
        },
      ]),
    ),
    lifts: Object.fromEntries(Object.entries(hit.lifts).map(([name, v]) => [name, round(v)])),
    ...(hit.updates ? { updates: hit.updates } : {}),
    ...(hit.newerThan ? { newer_than: hit.newerThan } : {}),
    ...(hit.newerLikelihood !== undefined ? { newer_likelihood: round(hit.newerLikelihood) } : {}),
    ...(hit.flaggedAgainst ? { flagged_against: hit.flaggedAgainst } : {}),
    ...(hit.inPlaceOf ? { in_place_of: hit.inPlaceOf } : {}),
    ...(hit.duplicateOf ? { duplicate_of: hit.duplicateOf } : {}),
  };
}

/** Why recall answered nothing although it had candidates: "No memory is about this: none mentions PostHog …". */
export function abstentionText(a: Abstention): string {
  const names = a.unknown.map((n) => `"${n}"`).join(", ");
  return `No memory is about this: none mentions ${names}, and the closest covered ${Math.round(a.bestCoverage * 100)}% of the query's rarer words.`;
}

export function abstentionJson(a: Abstention): Record<string, unknown> {
  return { unknown_names: a.unknown, best_coverage: round(a.bestCoverage) };
}

/** Whether neighbours joined: "Session context: the best candidates come from many sittings; neighbours joined …". */
export function sessionContextText(note: SessionContextNote): string {
  if (note.list) return "Session context: none, since the query asks for a list of things said over time (one remark from each of many sittings).";
  if (!note.spread) return "Session context: the best candidates come from few sittings, so their neighbours joined.";
  const n = note.joinedAround ?? 0;
  const head = `Session context: the ${JOIN_AMONG} best candidates come from ${SPREAD_SESSIONS}+ sittings (evidence spread out), so neighbours joined`;
  return n > 0 ? `${head} only around the ${n} holding ≥ ${JOIN_MATCHES} of them.` : `${head} nowhere: no sitting holds ${JOIN_MATCHES} of them.`;
}

export function sessionContextJson(note: SessionContextNote): Record<string, unknown> {
  if (note.list) return { list: true };
  return { spread: note.spread === true, ...(note.spread ? { neighbours_joined_around: note.joinedAround ?? 0 } : {}) };
}
