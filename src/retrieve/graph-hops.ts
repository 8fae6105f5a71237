/**
 * @module The graph in recall: the memories linked to a strong hit (the fix of an error, the cause, the steps
 * of a plan, the rule a detail refines) join the candidates just below it, whatever words they use. Links are
 * typed edges an agent, an import or consolidation wrote; a store without them ranks exactly as before.
 * Superseded, archived or out-of-scope partners stay out: they are fetched through the recall filter.
 */
import type { Relation } from "../domain/edge.ts";
import type { Memory } from "../domain/memory.ts";
import type { Link } from "../store/edges.ts";
import type { FusedHit } from "./fusion.ts";

/** How many of the best hits may bring their partners. */
export const GRAPH_SOURCES = 5;
/** A hit brings its partners only when it scores at least this share of the best one. */
export const STRONG_SHARE = 0.5;
/** A partner's score: this share of its source's (so it lands just below the hit that brought it). */
export const GRAPH_WEIGHT = 0.9;
/** At most this many partners per source, newest links first (an entity with hundreds of parts brings few). */
export const PER_SOURCE = 3;

/** Why a result was lifted by a link: the hit that brought it, and the relation read from that hit. */
export interface Hop {
  from: string;
  relation: Relation;
  /** True when the link runs from the hit to this memory ("hit fixes this"), false when the other way. */
  outgoing: boolean;
}

/** The hits (sorted best first) strong enough to bring their linked memories. */
export function hopSources(hits: readonly FusedHit[]): FusedHit[] {
  const top = hits[0]?.score ?? 0;
  if (top <= 0) return [];
  return hits.slice(0, GRAPH_SOURCES).filter((h) => h.score >= STRONG_SHARE * top);
}

/** The links to follow from `sources`: each source's newest {@link PER_SOURCE}, never to itself. */
export function linksToFollow(sources: readonly FusedHit[], links: readonly Link[]): Link[] {
  const bySource = new Map<string, Link[]>();
  for (const l of links) {
    // A possible conflict noted on write is a hint for the order of the two (flagged-first.ts), not a partner;
    // one dismissed is no link at all. Confirmed, it is a `contradicts` link like any other.
    if (l.other === l.id || l.possible || l.settled === "not_conflict") continue;
    const of = bySource.get(l.id);
    if (of) of.push(l);
    else bySource.set(l.id, [l]);
  }
  return sources.flatMap((s) => (bySource.get(s.memory.id) ?? []).sort((a, b) => b.createdAt - a.createdAt).slice(0, PER_SOURCE));
}

/**
 * `hits` with the partners of `follow` lifted to {@link GRAPH_WEIGHT} of their source's score where that is
 * more than their own; `joined` are partners that were not candidates yet (already filtered by the caller).
 * Each lifted hit records the lift (`lifts.graph`), and `hops` the link that lifted it, for --explain.
 */
export function liftByLinks(hits: readonly FusedHit[], follow: readonly Link[], joined: readonly Memory[]): { hits: FusedHit[]; hops: Map<string, Hop> } {
  const pool = new Map<string, FusedHit>(hits.map((h) => [h.memory.id, { ...h }]));
  for (const memory of joined) if (!pool.has(memory.id)) pool.set(memory.id, { memory, score: 0, channels: {}, weak: false });
  const hops = new Map<string, Hop>();
  for (const link of follow) {
    const source = pool.get(link.id);
    const partner = pool.get(link.other);
    if (!source || !partner) continue;
    const lifted = GRAPH_WEIGHT * source.score;
    if (lifted <= partner.score) continue;
    const before = partner.score - (partner.lifts?.graph ?? 0);
    partner.lifts = { ...partner.lifts, graph: lifted - before };
    partner.score = lifted;
    hops.set(link.other, { from: link.id, relation: link.relation, outgoing: link.outgoing });
  }
  const sorted = [...pool.values()].sort((a, b) => b.score - a.score || b.memory.createdAt - a.memory.createdAt);
  return { hits: sorted, hops };
}
