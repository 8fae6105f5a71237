/**
 * @module certifiedTop: from upper bounds and exact scores on demand, the same ranking as sorting every exact
 * score (ties by seq), while scoring exactly only rows near the top.
 */
import { expect, test } from "bun:test";
import { certifiedTop, ScoredRows } from "../../src/retrieve/certified-top.ts";
import { rankScores } from "../../src/retrieve/vector-rank.ts";

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
}

test("equals ranking every exact score, for near-ties, exact ties and loose bounds, at any depth", () => {
  const r = rng(17);
  for (const [n, levels, slack] of [[3000, 40, 0.01], [3000, 100000, 0.0001], [500, 3, 0.5], [1, 1, 0]] as const) {
    const exact = Float32Array.from({ length: n }, () => Math.fround(Math.floor(r() * levels) / levels));
    const seqs = Array.from({ length: n }, (_, i) => (i * 7919) % 100003); // distinct, not in row order
    for (const want of [1, 10, 50, 400, n]) {
      const rows = new ScoredRows();
      rows.reserve(n);
      for (let i = 0; i < n; i++) rows.push(seqs[i]!, i, exact[i]! + r() * slack, i % 5 === 0 ? exact[i]! : Number.NaN);
      let calls = 0;
      const got = certifiedTop(rows, want, (i) => (calls++, exact[i]!));
      const expected = rankScores(exact, want, seqs);
      expect(got.rows).toEqual(expected.rows);
      expect(got.scores).toEqual(expected.scores);
      expect(got.complete).toBe(expected.complete);
      if (want <= 50 && n >= 3000 && slack < 0.001) expect(calls).toBeLessThan(n / 10); // only rows near the top
    }
  }
});
