/**
 * @module Session context: memories written in the same session as a strong match are likely part of the
 * same story (the question and its answer, the error and its fix). Each candidate is lifted by the best
 * match of its session — hierarchical "best passage of the document" scoring, with the session as the
 * document — and by its immediate neighbours in that session when they match too. The neighbours of the
 * best matches become candidates even when no channel found them, since the answer to a question often
 * shares no words with it. A memory without a session id is its own session: neither favoured nor penalised.
 * The session lift is scaled by how much of the session matches (see {@link COHERENT_MATCHES}), and neighbours
 * join only around sessions that hold several of the query's best candidates (see {@link JOIN_MATCHES}).
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

/**
 * When the query's best candidates look spread out — the {@link JOIN_AMONG} best come from at least
 * {@link SPREAD_SESSIONS} different sessions — neighbours join only around a best hit whose session holds at
 * least {@link JOIN_MATCHES} of them (each scoring ≥ {@link COHERENT_SHARE} of the best). In a
 * conversation about the query (LoCoMo) the matching sitting holds several of the best; where the evidence is
 * a remark made in passing in sittings about other things (multisession), the best candidates come one per
 * session, and the neighbours that joined were replies about those other things, crowding the top-k. A small
 * store, or a query matching a few sittings, keeps joining everywhere. Fitted on multisession-a and LoCoMo
 * 0–4 (2 or 3 of the best 5, 10, 20 or 30); see DESIGN.md.
 */
export const JOIN_MATCHES = 3;
export const JOIN_AMONG = 10;
export const SPREAD_SESSIONS = 5;

/** What session context did, for --explain: the candidates looked spread out, and how many sittings neighbours joined around. */
export interface SessionContextNote {
  /** The query asks for a list of things said over time (asks-list.ts): no session context at all. */
  list?: boolean;
  spread?: boolean;
  joinedAround?: number;
}

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

/**
 * The sessions neighbours may join around, for `hits` sorted best first: those holding at least
 * {@link JOIN_MATCHES} of the {@link JOIN_AMONG} best, when these look spread out; null (every session) when not.
 */
export function coherentSessions(hits: readonly FusedHit[]): Set<string> | null {
  const top = hits[0]?.score ?? 0;
  const count = new Map<string, number>();
  let sittings = 0;
  const seen = new Set<string>();
  for (const h of hits.slice(0, JOIN_AMONG)) {
    const s = h.memory.sessionId;
    // A memory without a session is a sitting of its own.
    if (s === null || !seen.has(s)) sittings++;
    if (s !== null) seen.add(s);
    if (s !== null && top > 0 && h.score >= COHERENT_SHARE * top) count.set(s, (count.get(s) ?? 0) + 1);
  }
  if (sittings < SPREAD_SESSIONS) return null;
  return new Set([...count].filter(([, n]) => n >= JOIN_MATCHES).map(([s]) => s));
}

/**
 * Neighbours of the `depth` best hits (sorted best first) that are not candidates yet, best hit's first,
 * only around hits whose session is in `around` (every session when omitted).
 */
export function neighboursToAdd(hits: readonly FusedHit[], neighbours: Neighbours, depth: number, around: ReadonlySet<string> | null = null): string[] {
  const have = new Set(hits.map((h) => h.memory.id));
  const add = new Set<string>();
  for (const h of hits.slice(0, depth)) {
    if (around && h.memory.sessionId !== null && !around.has(h.memory.sessionId)) continue;
    const n = neighbours.get(h.memory.id);
    for (const id of [n?.prev, n?.next]) if (id && !have.has(id)) add.add(id);
  }
  return [...add];
}
