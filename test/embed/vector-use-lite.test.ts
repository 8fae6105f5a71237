/**
 * @module The int8 kernel ranking on real USE-lite vectors (the distribution it was tuned on: unrelated
 * texts at cosine ≈ 0.5): 560 embedded sentences plus 3,440 blends of them, queried with agent-style
 * queries. Rows and scores must equal exact float scoring, and certifying 100 rows must usually take one
 * kernel call (a regression there would quietly cost speed, not correctness).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { UseLiteEmbedder } from "../../src/embed/use-lite.ts";
import { openTopKKernel } from "../../src/embed/vector-topk.ts";
import type { TopKInput, TopKKernel } from "../../src/embed/vector-kernel.ts";
import { Int8Columns } from "../../src/retrieve/vector-quant.ts";
import { dotRow, rankScores, rankWithKernel } from "../../src/retrieve/vector-rank.ts";
import { convertUseLite } from "../../scripts/convert-use-lite.ts";
import { generateQueries } from "../../bench/corpus.ts";
import { paritySentences } from "./sentences.ts";

let model: UseLiteEmbedder;
let kernel: TopKKernel;
beforeAll(async () => {
  await convertUseLite();
  model = await UseLiteEmbedder.open();
  kernel = await openTopKKernel();
});
afterAll(async () => {
  await model?.dispose();
  await kernel?.dispose();
});

test("kernel ranking equals exact ranking on USE-lite vectors", async () => {
  const real = await model.embed(paritySentences(), "document");
  const dims = 512;
  let seed = 99;
  const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const rows = [...real];
  while (rows.length < 4000) {
    const a = real[Math.floor(next() * real.length)]!;
    const b = real[Math.floor(next() * real.length)]!;
    const w = 0.2 + 0.6 * next();
    const v = a.map((x, k) => w * x + (1 - w) * b[k]!);
    const n = Math.hypot(...v);
    rows.push(v.map((x) => x / n));
  }
  const matrix = new Float32Array(rows.length * dims);
  rows.forEach((v, i) => matrix.set(v, i * dims));
  const columns = new Int8Columns(dims);
  columns.build(matrix, rows.length);
  const calls: number[] = [];
  const counted: TopKKernel = { top: (input: TopKInput) => (calls.push(input.k), kernel.top(input)), dispose: async () => {} };
  const queries = await model.embed(generateQueries(30), "query");
  let oneCall = 0;
  for (const q of queries) {
    const exact = Float32Array.from(rows, (_, r) => dotRow(matrix, r, dims, q!));
    for (const want of [10, 100, 400]) {
      const before = calls.length;
      const fast = await rankWithKernel(counted, columns, (r) => dotRow(matrix, r, dims, q!), rows.length, q!, want);
      if (want === 100 && calls.length - before === 1) oneCall++;
      const truth = rankScores(exact, fast.rows.length);
      expect(fast.rows.length).toBeGreaterThanOrEqual(want);
      expect(fast.rows).toEqual(truth.rows);
      expect(fast.scores).toEqual(truth.scores);
    }
  }
  expect(oneCall).toBeGreaterThanOrEqual(27);
});
