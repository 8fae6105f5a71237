/**
 * @module Newer first, by two fitted models: among the best results, whether a later decision, preference or
 * fact of the same project should stand before an earlier one. The rules they replace (a later statement close
 * in meaning by a margin, sharing a query term) each failed on their own: with USE-lite, same-subject pairs and
 * unrelated ones have the same cosine (DESIGN.md, "(4b) Newer first by fitted models"). Together with how the
 * two share words, cover the query and stand in the list, they separate better. Fitted by bench/later-model.ts
 * on the blind sets current-a/c/e/g/i and coding-a/c/e/g/i (the other halves held out): {@link LATER_MODEL}
 * says which of the two is the answer when one is, {@link MOVE_MODEL} whether a move is worth making at all.
 * A ranking judgement, not a claim that the later one replaces the earlier (write-time rules make those).
 */
import { type Memory, statedAt, statedLater } from "../domain/memory.ts";
import { statesHowThingsAre } from "../domain/kinds.ts";
import type { FusedHit } from "./fusion.ts";
import { STOPWORDS } from "./stopwords.ts";
import { coverage, type Term, tokens } from "./terms.ts";

const DAY = 86_400_000;

/** What the features of a pair are computed from: the query, its terms' rarity, and the pool's cosines. */
export interface PairContext {
  terms: readonly Term[];
  /** Each query term's weight (idf in the store). */
  weights: readonly number[];
  /** Cosine between the pool's stored vectors, by position in the original order. */
  sims: readonly (readonly number[])[];
}

/** Whether `newer` may be weighed against `older` at all: a later statement of how things are, in one project. */
export function comparable(older: Memory, newer: Memory): boolean {
  return statedLater(newer, older, DAY) && newer.project === older.project && statesHowThingsAre(newer) && statesHowThingsAre(older);
}

/** What the features read of one memory: its content words and its share of the query's weighted terms. */
interface Read {
  words: Set<string>;
  coverage: number;
}

/** Each context's reads by memory id: one recall weighs a memory in several pairs (later-first.ts BELOW). */
const reads = new WeakMap<PairContext, Map<string, Read>>();

function read(ctx: PairContext, m: Memory): Read {
  let byId = reads.get(ctx);
  if (!byId) reads.set(ctx, (byId = new Map()));
  let r = byId.get(m.id);
  if (!r) {
    const c = coverage(ctx.terms, m, (_, k) => ctx.weights[k]!);
    r = { words: new Set(tokens(m.content).filter((t) => !STOPWORDS.has(t))), coverage: c.total > 0 ? c.matched / c.total : 0 };
    byId.set(m.id, r);
  }
  return r;
}

/** The names of the features, in order (bench/later-model.ts prints the model with them). */
export const LATER_FEATURES = [
  "cosine",
  "margin over the others",
  "places apart",
  "score ratio",
  "coverage gained",
  "earlier's coverage",
  "shared words",
  "share a query term",
  "log days apart",
  "same type",
  "length ratio",
  "later's coverage",
  "later found by keyword",
  "later's dense rank⁻¹",
  "earlier's place",
] as const;

/** The features of moving the result at `j` (later) ahead of the one at `i` (earlier), both original places. */
export function laterFeatures(ctx: PairContext, older: FusedHit, newer: FusedHit, i: number, j: number): number[] {
  const { sims, terms } = ctx;
  let other = 0;
  for (let k = 0; k < sims.length; k++) if (k !== i && k !== j) other = Math.max(other, sims[i]![k]!, sims[j]![k]!);
  const cos = sims[i]![j]!;
  const [{ words: wo, coverage: covOld }, { words: wn, coverage: covNew }] = [read(ctx, older.memory), read(ctx, newer.memory)];
  let both = 0;
  for (const w of wo) if (wn.has(w)) both++;
  const union = wo.size + wn.size - both;
  const inBoth = terms.some((t) => t.words.every((w) => wo.has(w) && wn.has(w)));
  const days = (statedAt(newer.memory) - statedAt(older.memory)) / DAY;
  return [
    cos,
    cos - other,
    j - i,
    Math.min(older.score > 0 ? newer.score / older.score : 2, 2),
    covNew - covOld,
    covOld,
    union > 0 ? both / union : 0,
    inBoth ? 1 : 0,
    Math.log1p(Math.max(days, 0)),
    newer.memory.type === older.memory.type ? 1 : 0,
    wn.size / (wo.size + 1),
    covNew,
    newer.channels.keyword ? 1 : 0,
    1 / (newer.channels.dense?.rank ?? 60),
    i,
  ];
}

export interface LaterModel {
  mu: readonly number[];
  sd: readonly number[];
  w: readonly number[];
  b0: number;
}

/**
 * Which of the two answers, given that one does: fitted on the pairs where exactly one answers the search.
 * Fitted by bench/later-model.ts (l2 0.01); paste a refit here.
 */
// prettier-ignore
export const LATER_MODEL: LaterModel = {
  mu: [0.556998, -0.152943, 2.84943, 0.535575, -0.318242, 0.490226, 0.0520822, 0.429939, 4.45146, 0.516971, 1.01967, 0.171985, 0.767624, 0.210774, 0.971279],
  sd: [0.131998, 0.12167, 1.40463, 0.284246, 0.328796, 0.308799, 0.0668304, 0.495067, 1.10115, 0.499712, 0.362533, 0.159584, 0.422347, 0.231889, 1.52953],
  w: [-0.223556, 0.40272, -0.240724, 0.283292, 0.311721, -0.202319, 0.654473, -0.216425, 0.38123, 0.120706, 0.55129, 0.250756, 0.289334, 0.380336, 0.439497],
  b0: -1.5963,
};

/**
 * Whether the move is worth making at all: fitted on every pair weighed, 1 only where the later one answers and
 * the earlier does not. Most pairs answer neither (two notes of the project near the question): the first model
 * says nothing about those, and alone it moved a later note ahead of an unrelated earlier one in most searches.
 */
// prettier-ignore
export const MOVE_MODEL: LaterModel = {
  mu: [0.545915, -0.165009, 2.70665, 0.6894, -0.135532, 0.26156, 0.0438325, 0.34837, 4.48477, 0.555671, 1.05662, 0.126028, 0.65163, 0.165268, 3.0472],
  sd: [0.130924, 0.112935, 1.38006, 0.264193, 0.229351, 0.249764, 0.0540991, 0.476454, 1.12364, 0.496891, 0.397095, 0.136499, 0.476454, 0.182879, 2.214],
  w: [-0.0839217, 0.260985, -0.236442, 0.0556932, 0.118051, 0.055246, 0.20757, -0.207158, 0.213815, 0.0500715, 0.182785, 0.299443, 0.34111, 0.276439, -0.457253],
  b0: -3.70454,
};

/** The later statement goes first when {@link LATER_MODEL} gives at least this… */
export const LATER_BAR = 0.5;
/** …and {@link MOVE_MODEL} at least this (a rare event: 291 of 7,670 pairs of the fitted sets). */
export const MOVE_BAR = 0.08;

export function laterLikelihood(x: readonly number[], model: LaterModel = LATER_MODEL): number {
  let z = model.b0;
  for (let k = 0; k < x.length; k++) z += ((x[k]! - model.mu[k]!) / model.sd[k]!) * model.w[k]!;
  return 1 / (1 + Math.exp(-z));
}

/** Whether the later statement goes ahead: both models agree. */
export function laterGoesFirst(x: readonly number[]): boolean {
  return laterLikelihood(x) >= LATER_BAR && laterLikelihood(x, MOVE_MODEL) >= MOVE_BAR;
}
