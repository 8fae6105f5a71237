/**
 * @module How likely a later statement changes what an earlier one says (an update or a contradiction, not an
 * addition, a rewording or another subject), for the pairs the rules of change-rules.ts leave undecided: a
 * logistic model over those rules' own signals and the two statements' word overlap. No embedding: a write
 * compares statements before any vector exists. Fitted on the blind pairs a–f by `bench/change-model.ts`,
 * which prints {@link CHANGE_MODEL} and the held-out sets' figures (pairs g–l).
 */
import type { Relation } from "./change-rules.ts";
import type { StatementParts } from "./statement-parts.ts";

/** The rules' signals of a pair (change-rules.ts changeSignals). */
export interface ChangeSignals {
  shared: number;
  cue: boolean;
  added: boolean;
  corrects: boolean;
  opposed: boolean;
  quantity: boolean;
  flip: boolean;
  slot: boolean;
  replaced: boolean;
  namesOld: boolean;
  /** A name among the older statement's values the newer one lacks; a name among the newer one's values the older lacks. */
  nameGone: boolean;
  nameNew: boolean;
}

/** The model's inputs for an older statement `p` and a newer `n`, given the rules' signals and verdict. */
export function changeFeatures(p: StatementParts, n: StatementParts, s: ChangeSignals, relation: Relation, prevLength: number, nextLength: number): number[] {
  const { shared } = s;
  const subject = [...n.subject].filter((w) => p.stems.has(w)).length;
  const b = (x: boolean) => (x ? 1 : 0);
  return [
    shared / Math.max(1, Math.min(p.stems.size, n.stems.size)),
    Math.min(shared, 5) / 5,
    b(s.cue), b(s.added), b(s.corrects), b(s.opposed), b(s.quantity), b(s.flip), b(s.slot), b(s.replaced), b(s.namesOld),
    b(relation === "update"), b(relation === "conflict"),
    b(s.nameGone), b(s.nameNew),
    subject / Math.max(1, n.subject.size),
    Math.abs(Math.log((nextLength + 1) / (prevLength + 1))),
  ];
}

/** Standardisation (mean, deviation) and weights per feature, and the intercept. */
export interface ChangeModel {
  mu: number[];
  sd: number[];
  w: number[];
  b0: number;
}

// prettier-ignore
export const CHANGE_MODEL: ChangeModel = {
  mu: [0.404471, 0.411649, 0.120072, 0.0734767, 0.0143369, 0.0232975, 0.094086, 0.126344, 0.0134409, 0.0304659, 0.0062724, 0.139785, 0.168459, 0.410394, 0.536738, 0.307049, 0.371585],
  sd: [0.259965, 0.282412, 0.325045, 0.260917, 0.118875, 0.150847, 0.291948, 0.332237, 0.115153, 0.171866, 0.0789497, 0.346764, 0.374273, 0.491905, 0.498648, 0.406985, 0.264755],
  w: [0.186418, 4.84738e-05, 0.365324, -0.654405, 0.382673, 0.418679, 0.510323, 0.324908, 0.242418, 0.0109123, 0.00257174, 0.690985, 0.742319, 0.164362, 0.244571, 0.236491, 0.0876828],
  b0: -0.438338,
};

/** The model's probability that the pair is a change (update or contradiction). */
export function changeLikelihood(x: readonly number[], model: ChangeModel = CHANGE_MODEL): number {
  let z = model.b0;
  for (let k = 0; k < x.length; k++) z += ((x[k]! - model.mu[k]!) / model.sd[k]!) * model.w[k]!;
  return 1 / (1 + Math.exp(-z));
}
