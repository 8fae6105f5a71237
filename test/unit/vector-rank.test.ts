/**
 * @module The int8 kernel ranking (onnxruntime top-k + exact re-score + error-bound certificate) returns
 * exactly what exact scoring returns — same rows, same order, bit-identical scores — on random, clustered
 * (USE-lite-like: unrelated texts at cosine ≈ 0.5), tied and duplicated vectors, and when it must widen
 * its candidate list. Also: the quantisation error bound holds for every row.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openTopKKernel } from "../../src/embed/vector-topk.ts";
import type { TopKInput, TopKKernel } from "../../src/embed/vector-kernel.ts";
import { Int8Columns } from "../../src/retrieve/vector-quant.ts";
import { dotRow, rankScores, rankWithKernel } from "../../src/retrieve/vector-rank.ts";
import { Rng } from "../../bench/rng.ts";

let ort: TopKKernel;
beforeAll(async () => {
  ort = await openTopKKernel();
});
afterAll(() => ort?.dispose());

/** A seeded stream of floats in [0, 1) (the benchmark corpus's mulberry32). */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  return v.map((x) => x / Math.sqrt(n));
}

/** `n` unit vectors: around `clusters` centres plus a shared direction of weight `common` (0: isotropic). */
function vectors(n: number, dims: number, seed: number, clusters = 0, common = 0): Float32Array[] {
  const r = rng(seed);
  const shared = unit(Float32Array.from({ length: dims }, () => gauss(r)));
  const centres = Array.from({ length: clusters }, () => unit(Float32Array.from({ length: dims }, () => gauss(r))));
  return Array.from({ length: n }, () => {
    const c = clusters > 0 ? centres[Math.floor(r() * clusters)]! : undefined;
    const noise = 0.6 / Math.sqrt(dims);
    return unit(Float32Array.from({ length: dims }, (_, k) => common * shared[k]! + (c ? 0.8 * c[k]! : 0) + noise * gauss(r)));
  });
}

function matrixOf(rows: Float32Array[], dims: number): Float32Array {
  const m = new Float32Array(rows.length * dims);
  rows.forEach((v, i) => m.set(v, i * dims));
  return m;
}

/** Counts kernel calls, so a test can tell the kernel really ran (and how often it had to widen). */
function counting(kernel: TopKKernel): TopKKernel & { calls: number[] } {
  const calls: number[] = [];
  return { calls, top: (input: TopKInput) => (calls.push(input.k), kernel.top(input)), dispose: () => kernel.dispose() };
}

async function compare(rows: Float32Array[], queries: Float32Array[], wants: number[]): Promise<number[]> {
  const dims = rows[0]!.length;
  const matrix = matrixOf(rows, dims);
  const columns = new Int8Columns(dims);
  columns.build(matrix, rows.length);
  const kernel = counting(ort);
  for (const q of queries) {
    const exact = Float32Array.from(rows, (_, r) => dotRow(matrix, r, dims, q));
    for (const want of wants) {
      const fast = await rankWithKernel(kernel, columns, (r) => dotRow(matrix, r, dims, q), rows.length, q, want);
      expect(fast.rows.length).toBeGreaterThanOrEqual(Math.min(want, rows.length));
      const truth = rankScores(exact, fast.rows.length);
      expect(fast.rows).toEqual(truth.rows);
      expect(fast.scores).toEqual(truth.scores);
    }
  }
  return kernel.calls;
}

describe("kernel ranking equals exact ranking", () => {
  test("random unit vectors, 512 dims", async () => {
    const rows = vectors(3000, 512, 1);
    const calls = await compare(rows, vectors(20, 512, 2), [1, 10, 100]);
    expect(calls.length).toBeGreaterThanOrEqual(60);
  });

  test("clustered vectors with a shared direction (cosines of unrelated rows ≈ 0.5)", async () => {
    const rows = vectors(5000, 512, 3, 40, 1.1);
    const queries = [...vectors(15, 512, 4, 40, 1.1), ...rows.slice(0, 5)];
    let sum = 0;
    for (let i = 1; i < 200; i++) for (let k = 0; k < 512; k++) sum += rows[0]![k]! * rows[i]![k]!;
    expect(sum / 199).toBeGreaterThan(0.4); // the anisotropy that makes quantised ranking hard
    await compare(rows, queries, [10, 100, 400]);
  });

  test("duplicates and exact ties break by row number, as a stable sort does", async () => {
    const base = vectors(300, 64, 5, 5, 0.5);
    // Every vector three times over, and a block of one repeated vector: many equal scores.
    const rows = [...base, ...base, ...base, ...Array.from({ length: 200 }, () => base[7]!)];
    await compare(rows, [base[7]!, ...vectors(10, 64, 6, 5, 0.5)], [1, 50, 300, 900]);
    // Equal exact scores (0.75, dyadic, so no rounding) whose int8 approximations differ (0.750 vs 0.752):
    // the kernel proposes row 1 first, the exact order (ties by row) puts row 0 first.
    await compare([Float32Array.of(0.375, 0.375), Float32Array.of(0.5, 0.25)], [Float32Array.of(1, 1)], [2]);
  });

  test("widens its candidate list when too few are certain, up to all rows", async () => {
    const rows = vectors(2500, 128, 7, 3, 1.5);
    const calls = await compare(rows, vectors(5, 128, 8, 3, 1.5), [1200, 2499]);
    expect(Math.max(...calls)).toBe(2500);
  });

  test("fewer dims than a SIMD block, and a single row", async () => {
    await compare(vectors(700, 3, 9), vectors(10, 3, 10), [1, 5, 650]);
    await compare(vectors(1, 16, 11), vectors(3, 16, 12), [1]);
  });
});

describe("int8 columns", () => {
  test("the error bound holds for every row, after in-place updates and growth too", async () => {
    const dims = 256;
    const rows = vectors(900, dims, 13, 8, 0.8);
    const columns = new Int8Columns(dims);
    columns.build(matrixOf(rows.slice(0, 500), dims), 500);
    rows.slice(500).forEach((v, i) => columns.set(500 + i, v)); // grows past the initial capacity
    const replaced = vectors(50, dims, 14).map((v) => v.map((x) => x * 3)); // larger values: scale rises
    replaced.forEach((v, i) => {
      rows[i * 7] = v;
      columns.set(i * 7, v);
    });
    expect(columns.capacity).toBeGreaterThanOrEqual(900);
    for (const q of vectors(10, dims, 15, 8, 0.8)) {
      const quant = columns.quantizeQuery(q);
      const { values } = await ort.top(columns.input(quant, 900));
      const { rows: order } = await ort.top(columns.input(quant, 900));
      let worst = 0;
      order.forEach((r, i) => {
        const exact = dotRow(matrixOf([rows[r]!], dims), 0, dims, q);
        worst = Math.max(worst, Math.abs(values[i]! * quant.scale - exact));
      });
      expect(worst).toBeLessThanOrEqual(quant.errorBound);
      expect(worst).toBeGreaterThan(0); // it is an approximation; the bound is not vacuous
    }
  });

  test("unused columns never outrank a row, even when every score is negative", async () => {
    const columns = new Int8Columns(8);
    const rows = [Float32Array.of(-1, 0, 0, 0, 0, 0, 0, 0), Float32Array.of(0, -1, 0, 0, 0, 0, 0, 0)];
    rows.forEach((v, i) => columns.set(i, v));
    const { rows: top } = await ort.top(columns.input(columns.quantizeQuery(Float32Array.of(1, 1, 0, 0, 0, 0, 0, 0)), 2));
    expect(columns.capacity).toBeGreaterThan(2);
    expect([...top].sort()).toEqual([0, 1]);
  });
});
