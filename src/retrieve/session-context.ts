/**
 * @module Session context: memories written in the same session as a strong match are likely part of the
 * same story (the question and its answer, the error and its fix). Each candidate is lifted by the best
 * match of its session — hierarchical "best passage of the document" scoring, with the session as the
 * document — and by its immediate neighbours in that session when they match too. The neighbours of the
 * best matches become candidates even when no channel found them, since the answer to a question often
 * shares no words with it. A memory without a session id is its own session: neither favoured nor penalised.
 * The session lift is scaled by how much of the session matches (see {@link COHERENT_MATCHES}).
 * Measured on LoCoMo (weights fitted on conversations 0–4, 5–9 held out): see DESIGN.md, "Session context".
 */
import type { FusedHit } from "./fusion.ts";

/** How much a session's best match lifts its other candidates, relative to a candidate's own score. */
export const SESSION_WEIGHT = 1.0;
/** How much a matching neighbour (the memory just before or after, in the same session) lifts a candidate. */
export const NEIGHBOUR_WEIGHT = 0.3;

/** How many of the best candidates bring their neighbours in (R@10 on LoCoMo 0–4: 3 → 79.0, 10 → 79.3, 50 → 79.4). */
export const EXPAND_DEPTH = 10;

/**
 * A session lifts its other candidates fully only when it holds this many matches of its own, each scoring
 * at least {@link COHERENT_SHARE} of the best candidate (one such match: no lift; two: half). A session about
 * the query (LoCoMo: a conversation about the trip asked about) holds several; a fact mentioned in passing
 * in a session about something else holds one, and lifting its neighbours-by-date crowded the top-k into a
 * few sittings where the evidence is spread over many. Fitted on multisession-a and LoCoMo 0–4; see DESIGN.md.
 */
export const COHERENT_MATCHES = 3;
export const COHERENT_SHARE = 0.25;

export type Neighbours = ReadonlyMap<string, { prev: string | null; next: string | null }>;

export function boostBySession(hits: readonly FusedHit[], neighbours: Neighbours = new Map()): FusedHit[] {
  if (hits.length < 2) return [...hits];
  let top = 0;
  const best = new Map<string, number>();
  const scoreOf = new Map<string, number>();
  for (const h of hits) {
    top = Math.max(top, h.score);
    scoreOf.set(h.memory.id, h.score);
    const s = h.memory.sessionId;
    if (s !== null) best.set(s, Math.max(best.get(s) ?? 0, h.score));
  }
  if (top <= 0 || best.size === 0) return [...hits];
  const near = (id: string | null | undefined) => (id ? (scoreOf.get(id) ?? 0) : 0);
  const matches = new Map<string, number>();
  for (const h of hits) {
    const s = h.memory.sessionId;
    if (s !== null && h.score >= COHERENT_SHARE * top) matches.set(s, (matches.get(s) ?? 0) + 1);
  }
  const coherence = (s: string) => Math.min(1, Math.max(0, ((matches.get(s) ?? 0) - 1) / (COHERENT_MATCHES - 1)));
  return hits
    .map((h) => {
      const own = h.score / top;
      const sid = h.memory.sessionId;
      const session = sid === null ? own : best.get(sid)! / top;
      const n = neighbours.get(h.memory.id);
      const neighbour = n ? Math.max(near(n.prev), near(n.next)) / top : 0;
      // Channel contributions are rescaled with the score, so --explain still adds up to it.
      const channels = Object.fromEntries(Object.entries(h.channels).map(([c, v]) => [c, { ...v, contribution: v.contribution / top }]));
      // The session's best match keeps its full lift (it is the match); the others get what coherence allows.
      const share = sid === null || h.score >= best.get(sid)! ? 1 : coherence(sid);
      const lifts = { session: SESSION_WEIGHT * session * share, neighbour: NEIGHBOUR_WEIGHT * neighbour };
      return { ...h, channels, lifts, score: own + lifts.session + lifts.neighbour };
    })
    .sort((a, b) => b.score - a.score || b.memory.createdAt - a.memory.createdAt);
}

/** Neighbours of the `depth` best hits that are not candidates yet, best hit's first. */
export function neighboursToAdd(hits: readonly FusedHit[], neighbours: Neighbours, depth: number): string[] {
  const have = new Set(hits.map((h) => h.memory.id));
  const add = new Set<string>();
  for (const h of hits.slice(0, depth)) {
    const n = neighbours.get(h.memory.id);
    for (const id of [n?.prev, n?.next]) if (id && !have.has(id)) add.add(id);
  }
  return [...add];
}
