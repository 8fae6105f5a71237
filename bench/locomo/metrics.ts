/** @module Retrieval metrics for LoCoMo: turn recall@k, session recall@k, MRR, nDCG@10, aggregated per category. */

export const TURN_K = [5, 10, 25, 50] as const;
export const SESSION_K = [1, 2, 5] as const;

export interface QuestionScore {
  category: number;
  turn: Record<number, number>;
  session: Record<number, number>;
  mrr: number;
  ndcg10: number;
}

const sessionOf = (diaId: string) => diaId.slice(0, diaId.indexOf(":"));

/**
 * Scores one question. `ranked` is the retrieved turn ids in rank order (a memory standing for several
 * identical turns contributes all of them at its rank); `evidence` the gold turn ids.
 */
export function scoreQuestion(category: number, ranked: readonly string[][], evidence: readonly string[]): QuestionScore {
  const gold = new Set(evidence);
  const turn: Record<number, number> = {};
  for (const k of TURN_K) {
    const found = new Set(ranked.slice(0, k).flat().filter((id) => gold.has(id)));
    turn[k] = found.size / gold.size;
  }
  const goldSessions = new Set(evidence.map(sessionOf));
  const sessionsRanked: string[] = [];
  for (const ids of ranked) for (const s of ids.map(sessionOf)) if (!sessionsRanked.includes(s)) sessionsRanked.push(s);
  const session: Record<number, number> = {};
  for (const k of SESSION_K) {
    session[k] = sessionsRanked.slice(0, k).filter((s) => goldSessions.has(s)).length / goldSessions.size;
  }
  const firstHit = ranked.findIndex((ids) => ids.some((id) => gold.has(id)));
  const mrr = firstHit < 0 ? 0 : 1 / (firstHit + 1);
  let dcg = 0;
  ranked.slice(0, 10).forEach((ids, i) => {
    if (ids.some((id) => gold.has(id))) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(10, gold.size); i++) ideal += 1 / Math.log2(i + 2);
  return { category, turn, session, mrr, ndcg10: ideal === 0 ? 0 : dcg / ideal };
}

/** Means of the per-question scores over `n` questions. */
export type Aggregate = Omit<QuestionScore, "category"> & { n: number };

/** Question-weighted means over `scores`. */
export function aggregate(scores: readonly QuestionScore[]): Aggregate {
  const n = scores.length;
  const mean = (f: (s: QuestionScore) => number) => (n === 0 ? 0 : scores.reduce((a, s) => a + f(s), 0) / n);
  return {
    n,
    turn: Object.fromEntries(TURN_K.map((k) => [k, mean((s) => s.turn[k]!)])),
    session: Object.fromEntries(SESSION_K.map((k) => [k, mean((s) => s.session[k]!)])),
    mrr: mean((s) => s.mrr),
    ndcg10: mean((s) => s.ndcg10),
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
