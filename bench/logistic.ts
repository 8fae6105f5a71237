/**
 * @module Logistic regression for the models the source holds as numbers (capture/change-model.ts,
 * hooks/inject-model.ts): standardised features, L2, plain full-batch gradient descent from zero, so a refit
 * on the same examples prints the same model.
 */

export interface Example {
  x: number[];
  y: number;
}

export interface LogisticModel {
  mu: number[];
  sd: number[];
  w: number[];
  b0: number;
}

export function fitLogistic(train: readonly Example[], l2: number, iterations = 3000): LogisticModel {
  const d = train[0]!.x.length;
  const mu = Array.from({ length: d }, (_, k) => train.reduce((a, e) => a + e.x[k]!, 0) / train.length);
  const sd = Array.from({ length: d }, (_, k) => Math.sqrt(train.reduce((a, e) => a + (e.x[k]! - mu[k]!) ** 2, 0) / train.length) || 1);
  const z = train.map((e) => e.x.map((v, k) => (v - mu[k]!) / sd[k]!));
  const w = new Array<number>(d).fill(0);
  let b0 = 0;
  for (let it = 0; it < iterations; it++) {
    const g = new Array<number>(d).fill(0);
    let gb = 0;
    train.forEach((e, i) => {
      const err = 1 / (1 + Math.exp(-z[i]!.reduce((a, v, k) => a + v * w[k]!, b0))) - e.y;
      for (let k = 0; k < d; k++) g[k]! += err * z[i]![k]!;
      gb += err;
    });
    for (let k = 0; k < d; k++) w[k]! -= 0.5 * (g[k]! / train.length + l2 * w[k]!);
    b0 -= (0.5 * gb) / train.length;
  }
  const round = (v: number) => Number(v.toPrecision(6));
  return { mu: mu.map(round), sd: sd.map(round), w: w.map(round), b0: round(b0) };
}
