/**
 * @module How likely a memory is worth injecting unasked for a prompt: a logistic model over what the words and
 * (when the daemon has the model loaded) the meaning of the prompt say about each candidate. One rule on one
 * signal (coverage over a bar, BM25 near the best) had to trade precision for recall on every blind set; the
 * model weighs coverage plain and by rarity, keyword rank and score, closeness in meaning against the prompt's
 * own candidates, and the memory's kind together. Fitted by `bench/inject-model.ts` on the blind inject sets a,
 * c, e, g and i (prompts only), which prints both models as this file holds them and the held-out sets' figures
 * (b, d, f, h, j).
 */
import type { Memory } from "../domain/memory.ts";

/** What the candidate list says of one memory, as {@link injectFeatures} reads it. */
export interface InjectEvidence {
  memory: Memory;
  /** Weighted share of the prompt's terms the memory contains (a compound counts 2), and the weighted count. */
  coverage: number;
  matched: number;
  /** Share of the prompt's terms by rarity in the store (idf), and this share minus the best candidate's. */
  rareCoverage: number;
  rareCoverageGap: number;
  /** Keyword channel: rank (1-based; 0 when it did not find the memory) and BM25 over the best candidate's. */
  keywordRank: number;
  keywordRatio: number;
  /** Weighted count of the prompt's terms. */
  terms: number;
  /** Meaning, when a model is loaded: null otherwise (the words-only model decides). */
  meaning: {
    /** Cosine to the prompt (at most the last listed one's when the memory is not among the scope's nearest). */
    cosine: number;
    /** Cosine minus the best candidate's. */
    gap: number;
    /** Standard deviations above the mean of the scope's nearest memories. */
    z: number;
    /** Rank among the scope's nearest (1-based; 0 past the first {@link DENSE_RANKED}). */
    rank: number;
  } | null;
}

/** Dense ranks past this are not a rank feature (the candidates take the scope's 12 nearest). */
export const DENSE_RANKED = 12;

const KINDS = ["decision", "preference", "fact", "error", "lesson"] as const;

/** The inputs of the words-only model, then (with meaning) the meaning model's extra ones. */
export function injectFeatures(e: InjectEvidence): number[] {
  const x = [
    e.coverage,
    Math.min(e.matched, 4) / 4,
    e.rareCoverage,
    e.rareCoverageGap,
    e.keywordRatio,
    e.keywordRank > 0 ? 1 / e.keywordRank : 0,
    Math.log(1 + e.terms),
    e.memory.project === null ? 1 : 0,
    Math.log(Math.max(1, e.memory.content.length)),
    ...KINDS.map((k) => (e.memory.type === k ? 1 : 0)),
  ];
  const m = e.meaning;
  if (m) x.push(m.cosine, m.gap, m.z, m.rank > 0 ? 1 / m.rank : 0, m.cosine * e.rareCoverage, m.z * e.rareCoverage);
  return x;
}

/** Standardisation (mean, deviation) and weights per feature, and the intercept. */
export interface InjectModel {
  mu: number[];
  sd: number[];
  w: number[];
  b0: number;
}

/** Candidates at or above this likelihood are injected (fitted half: precision ~0.75–0.79, silence ≥ 0.86). */
export const INJECT_BAR = 0.5;

// prettier-ignore
export const WORDS_MODEL: InjectModel = {
  mu: [0.205783, 0.297275, 0.240471, -0.289555, 0.510572, 0.296395, 1.99704, 0.217257, 4.92729, 0.183288, 0.254496, 0.271026, 0.180926, 0.110263],
  sd: [0.154921, 0.185233, 0.200796, 0.251131, 0.277335, 0.273706, 0.398575, 0.412379, 0.329121, 0.386902, 0.435577, 0.44449, 0.384957, 0.313218],
  w: [0.253071, 0.346785, -0.0123859, 0.0566938, 0.49407, 0.443829, 0.155362, -0.24476, 0.122789, 0.0392359, 0.15059, -0.0717639, -0.153243, 0.0322972],
  b0: -2.8684,
};

// prettier-ignore
export const MEANING_MODEL: InjectModel = {
  mu: [0.108182, 0.157276, 0.124574, -0.381376, 0.249397, 0.144779, 1.90955, 0.23913, 4.9169, 0.157232, 0.275688, 0.251996, 0.207365, 0.10772, 0.458767, -0.115883, 0.762954, 0.178703, 0.0574018, 0.0816392],
  sd: [0.149234, 0.196007, 0.184, 0.289617, 0.320479, 0.241959, 0.444967, 0.426553, 0.342979, 0.364019, 0.44686, 0.434159, 0.405419, 0.310026, 0.153064, 0.0816796, 1.17987, 0.241219, 0.0944744, 0.435093],
  w: [0.157652, 0.257676, -0.0519609, 0.0926135, 0.444027, 0.353628, 0.0979651, -0.186389, 0.107339, 0.07306, 0.124679, -0.0517571, -0.178876, 0.0409036, 0.0943854, 0.106153, 0.123179, 0.162589, 0.131972, 0.0199613],
  b0: -3.8609,
};

/** The model's probability that the memory should be injected: the meaning model when meaning is known. */
export function injectLikelihood(e: InjectEvidence): number {
  return likelihood(injectFeatures(e), e.meaning ? MEANING_MODEL : WORDS_MODEL);
}

export function likelihood(x: readonly number[], model: InjectModel): number {
  let z = model.b0;
  for (let k = 0; k < x.length; k++) z += ((x[k]! - model.mu[k]!) / model.sd[k]!) * model.w[k]!;
  return 1 / (1 + Math.exp(-z));
}
