/**
 * @module Newer first, by a fitted model: among the best results, whether a later decision, preference or fact
 * of the same project should stand before an earlier one. The rules it replaces (a later statement close in
 * meaning by a margin, sharing a query term) each failed on their own: with USE-lite, same-subject pairs and
 * unrelated ones have the same cosine (DESIGN.md, "Newer first by a fitted model"). Together with how the two
 * share words, cover the query and stand in the list, they separate better. Fitted by bench/later-model.ts on
 * the blind sets current-a/c/e/g/i and coding-a/c/e/g/i, pairs labelled 1 when the later one answers the
 * search and the earlier does not, 0 the other way round; the other halves are held out.
 */
import { laterThan, type Memory } from "../domain/memory.ts";
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
  return laterThan(newer, older, DAY) && newer.project === older.project && statesHowThingsAre(newer) && statesHowThingsAre(older);
}

const words = (m: Memory): Set<string> => new Set(tokens(m.content).filter((t) => !STOPWORDS.has(t)));

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
  const { sims, terms, weights } = ctx;
  let other = 0;
  for (let k = 0; k < sims.length; k++) if (k !== i && k !== j) other = Math.max(other, sims[i]![k]!, sims[j]![k]!);
  const cos = sims[i]![j]!;
  const weight = (_: Term, k: number) => weights[k]!;
  const share = (m: Memory) => {
    const c = coverage(terms, m, weight);
    return c.total > 0 ? c.matched / c.total : 0;
  };
  const [covOld, covNew] = [share(older.memory), share(newer.memory)];
  const [wo, wn] = [words(older.memory), words(newer.memory)];
  let both = 0;
  for (const w of wo) if (wn.has(w)) both++;
  const union = wo.size + wn.size - both;
  const inBoth = terms.some((t) => t.words.every((w) => wo.has(w) && wn.has(w)));
  const days = (newer.memory.createdAt - older.memory.createdAt) / DAY;
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

/** Fitted by bench/later-model.ts (l2 0.01); paste a refit here. */
export const LATER_MODEL: LaterModel = {
  mu: [0.556998, -0.152943, 2.84943, 0.535575, -0.318242, 0.490226, 0.0520822, 0.429939, 4.45146, 0.516971, 1.01967, 0.171985, 0.767624, 0.210774, 0.971279],
  sd: [0.131998, 0.12167, 1.40463, 0.284246, 0.328796, 0.308799, 0.0668304, 0.495067, 1.10115, 0.499712, 0.362533, 0.159584, 0.422347, 0.231889, 1.52953],
  w: [-0.223556, 0.40272, -0.240724, 0.283292, 0.311721, -0.202319, 0.654473, -0.216425, 0.38123, 0.120706, 0.55129, 0.250756, 0.289334, 0.380336, 0.439497],
  b0: -1.5963,
};

/** The likelihood at or above which the later statement goes first. */
export const LATER_BAR = 0.5;

export function laterLikelihood(x: readonly number[], model: LaterModel = LATER_MODEL): number {
  let z = model.b0;
  for (let k = 0; k < x.length; k++) z += ((x[k]! - model.mu[k]!) / model.sd[k]!) * model.w[k]!;
  return 1 / (1 + Math.exp(-z));
}
