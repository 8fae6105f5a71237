/**
 * @module Session context: memories written in the same session as a strong match are likely part of the
 * same story (the question, the attempt, the fix), so each candidate is lifted by the best match of its
 * session — hierarchical "best passage of the document" scoring, with the session as the document.
 * Measured on LoCoMo (weights fitted on conversations 0–4, reported on 5–9): hybrid R@5 57.7 → 63.5,
 * R@10 64.6 → 72.9. A memory without a session id is its own session, so it is neither favoured nor
 * penalised against memories that have one.
 */
import type { FusedHit } from "./fusion.ts";

/** How much a session's best match lifts its other candidates, relative to a candidate's own score. */
export const SESSION_WEIGHT = 1.0;

export function boostBySession(hits: readonly FusedHit[], weight = SESSION_WEIGHT): FusedHit[] {
  if (hits.length < 2 || weight === 0) return [...hits];
  let top = 0;
  const best = new Map<string, number>();
  for (const h of hits) {
    top = Math.max(top, h.score);
    const s = h.memory.sessionId;
    if (s !== null) best.set(s, Math.max(best.get(s) ?? 0, h.score));
  }
  if (top <= 0 || best.size === 0) return [...hits];
  return hits
    .map((h) => {
      const own = h.score / top;
      const session = h.memory.sessionId === null ? own : best.get(h.memory.sessionId)! / top;
      return { ...h, score: own + weight * session };
    })
    .sort((a, b) => b.score - a.score || b.memory.createdAt - a.memory.createdAt);
}
