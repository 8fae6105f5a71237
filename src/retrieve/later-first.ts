/**
 * @module Later statements first, where recall has the best results' stored vectors: each later decision,
 * preference or fact of the project up to {@link BELOW} places below an earlier one goes just ahead of it when
 * both fitted models (later-model.ts) agree. Only the order of the best {@link POOL} changes, so recall@10
 * cannot. Without vectors (keyword mode, a cold hook) newer-first.ts's word rule orders neighbours instead.
 */
import type { FusedHit } from "./fusion.ts";
import { comparable, laterFeatures, laterGoesFirst, laterLikelihood, type PairContext } from "./later-model.ts";
import { moveAhead } from "./move-ahead.ts";
import type { Term } from "./terms.ts";
import { dotRow } from "./vector-rank.ts";

/** The results the model orders (the default recall's ten). */
export const POOL = 10;
/** How many places below an earlier statement a later one is weighed against it. */
export const BELOW = 5;

export interface LaterMove {
  older: string;
  likelihood: number;
}

export interface LaterFirst {
  hits: FusedHit[];
  /** For each memory moved ahead: the earlier statement it now stands before, and LATER_MODEL's likelihood. */
  newerThan: Map<string, LaterMove>;
}

/**
 * For bench/later-model.ts only: sees every pair weighed, with its features, and decides in the model's place
 * (the fit collects the pairs of the unmoved order by always answering false).
 */
export const laterTap: { decide?: (x: number[], older: FusedHit, newer: FusedHit) => boolean } = {};

/**
 * `hits` with later statements moved ahead of the earlier ones the models put them before. `weigh` gives the
 * query terms' weights (idf in the store), asked once, when a first pair is weighed; `vectors` are the stored
 * vectors of the best {@link POOL}.
 */
export function laterFirst(hits: readonly FusedHit[], vectors: ReadonlyMap<string, Float32Array>, terms: readonly Term[], weigh: () => readonly number[]): LaterFirst {
  const pool = hits.slice(0, POOL).filter((h) => vectors.has(h.memory.id));
  if (pool.length < 2) return { hits: [...hits], newerThan: new Map() };
  const place = new Map(pool.map((h, i) => [h.memory.id, i]));
  let ctx: PairContext | null = null;
  const context = () => (ctx ??= { terms, weights: weigh(), sims: similarities(pool.map((h) => vectors.get(h.memory.id)!)) });
  const likelihoods = new Map<string, number>();
  const replaces = (older: FusedHit, newer: FusedHit) => {
    const [i, j] = [place.get(older.memory.id), place.get(newer.memory.id)];
    if (i === undefined || j === undefined || !comparable(older.memory, newer.memory)) return false;
    const x = laterFeatures(context(), older, newer, i, j);
    if (laterTap.decide) return laterTap.decide(x, older, newer);
    likelihoods.set(`${older.memory.id} ${newer.memory.id}`, laterLikelihood(x));
    return laterGoesFirst(x);
  };
  const { hits: out, moved } = moveAhead(hits, { depth: POOL, below: BELOW, within: POOL }, replaces);
  const newerThan = new Map([...moved].map(([newer, older]) => [newer, { older, likelihood: likelihoods.get(`${older} ${newer}`) ?? 1 }]));
  return { hits: out, newerThan };
}

/** Cosine between every two vectors (all of the model's width). */
function similarities(vs: readonly Float32Array[]): number[][] {
  const dot = (a: Float32Array, b: Float32Array) => dotRow(a, 0, a.length, b);
  const norms = vs.map((v) => Math.sqrt(dot(v, v)) || 1);
  return vs.map((v, i) => vs.map((w, j) => (i === j ? 1 : dot(v, w) / (norms[i]! * norms[j]!))));
}
