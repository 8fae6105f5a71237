/**
 * @module The index file's sign rows: bits and factor as written, the table's sums equal to Σ q·s at any width,
 * the estimate exact where it should be, and, on a generated store of dense vectors, searches through the file
 * finding the exact top 10 although only a few hundred rows are scored exactly.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileIndex } from "../../src/retrieve/file-index.ts";
import { writeIndex } from "../../src/retrieve/index-build.ts";
import { dotRow } from "../../src/retrieve/vector-rank.ts";
import { packVector, unpackVector } from "../../src/store/vector-codec.ts";
import { indexPath } from "../../src/store/vector-file.ts";
import { signBytes, signDots, signTable, writeSigns } from "../../src/store/vector-signs.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { rng } from "../helpers/rng.ts";
import { clusteredPoints, writePoints } from "../helpers/clustered.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("signs are the residual's, bit k of byte p for dim 8p + k; the factor is ‖r‖² / Σ|r_k|", () => {
  const r = rng(3);
  for (const dims of [8, 100, 512]) {
    const x = Float32Array.from({ length: dims }, () => r() - 0.5);
    const c = Float32Array.from({ length: dims + 3 }, () => (r() - 0.5) * 0.2);
    const packed = packVector(x);
    const stored = unpackVector(packed, dims)!;
    const out = new Uint8Array(signBytes(dims) + 2).fill(0xff);
    const f = writeSigns(packed, 0, dims, c, 3, out, 1);
    let squares = 0;
    let sum = 0;
    for (let k = 0; k < dims; k++) {
      const res = stored[k]! - c[3 + k]!;
      expect((out[1 + (k >> 3)]! >> (k & 7)) & 1).toBe(res >= 0 ? 1 : 0);
      squares += res * res;
      sum += Math.abs(res);
    }
    expect(f).toBeCloseTo(squares / sum, 5);
    // Bits past the last dim are clear; bytes outside the row untouched.
    if (dims % 8 !== 0) expect(out[signBytes(dims)]! >> (dims % 8)).toBe(0);
    expect(out[0]).toBe(0xff);
    expect(out[out.length - 1]).toBe(0xff);
  }
  // A vector at its centroid: no residual, factor 0.
  const v = Float32Array.from({ length: 16 }, (_, k) => (k % 3) - 1);
  expect(writeSigns(packVector(v), 0, 16, unpackVector(packVector(v), 16)!, 0, new Uint8Array(2), 0)).toBe(0);
});

test("the table's sums equal Σ q_k · s_k at any width and offset; the estimate is exact for a residual of equal magnitudes", () => {
  const r = rng(7);
  for (const dims of [8, 24, 100, 512]) {
    const width = signBytes(dims);
    const n = 37;
    const rows = Uint8Array.from({ length: 5 + n * width }, () => Math.floor(r() * 256));
    if (dims % 8 !== 0) for (let i = 0; i < n; i++) rows[5 + i * width + width - 1]! &= (1 << (dims % 8)) - 1;
    const q = Float32Array.from({ length: dims }, () => r() * 2 - 1);
    const out = new Float64Array(n + 2).fill(7);
    signDots(signTable(q), rows, 5, n, width, out, 1);
    for (let i = 0; i < n; i++) {
      let want = 0;
      for (let k = 0; k < dims; k++) want += q[k]! * ((rows[5 + i * width + (k >> 3)]! >> (k & 7)) & 1 ? 1 : -1);
      expect(out[1 + i]).toBeCloseTo(want, 4);
    }
    expect([out[0], out[n + 1]]).toEqual([7, 7]);
    // With a scope: rows of project codes it does not keep are not scored (their slots untouched).
    const codes = Uint8Array.from({ length: n }, (_, i) => [0, 1, 2, 255][i % 4]!);
    const accept = new Uint8Array(256);
    [accept[1], accept[255]] = [1, 1];
    const scoped = new Float64Array(n).fill(-9);
    signDots(signTable(q), rows, 5, n, width, scoped, 0, codes, accept);
    for (let i = 0; i < n; i++) expect(scoped[i]).toBe(accept[codes[i]!] ? out[1 + i] : -9);
    expect(scoped.filter((v) => v === -9).length).toBe(codes.filter((c) => c === 0 || c === 2).length);
  }
  // x − c = ±a in every dim: c·q + f·Σ q·s is q·x itself.
  const dims = 32;
  const c = Float32Array.from({ length: dims }, () => (r() - 0.5) * 0.1);
  const x = Float32Array.from(c, (ck, k) => ck + (k % 3 === 0 ? -0.25 : 0.25));
  const signs = new Uint8Array(signBytes(dims));
  // The stored vector is the quantised x: take the residual of what is stored.
  const stored = unpackVector(packVector(x), dims)!;
  const centre = Float32Array.from(stored, (v, k) => v - (k % 3 === 0 ? -0.25 : 0.25));
  const f = writeSigns(packVector(x), 0, dims, centre, 0, signs, 0);
  expect(f).toBeCloseTo(0.25, 6);
  const q = Float32Array.from({ length: dims }, () => r() - 0.5);
  const sums = new Float64Array(1);
  signDots(signTable(q), signs, 0, 1, signBytes(dims), sums, 0);
  expect(dotRow(centre, 0, dims, q) + f * sums[0]!).toBeCloseTo(dotRow(stored, 0, dims, q), 5);
});

/** How often a flat file's top 10 (default re-scoring) is the exact top 10, position by position, on 6,000 generated vectors. */
async function agreement(bias: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "cairn-signs-"));
  dirs.push(dir);
  const store = new SqliteStore(join(dir, "cairn.db"));
  const dims = 256;
  const point = clusteredPoints(11, dims, 60, 0.8, bias);
  writePoints(store, 6000, dims, point);
  expect((await writeIndex(dir, store.vectors, "fake", dims)).lists).toBe(1);
  const index = FileIndex.open(indexPath(dir, "fake", dims), store.vectors, "fake", dims)!;
  const all = store.vectors.read("fake", dims);
  let agree = 0;
  const queries = 60;
  for (let i = 0; i < queries; i++) {
    const q = point();
    const truth = all.map((v) => [v.seq, dotRow(v.vector, 0, dims, q)] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const got = index.rank(q, 10);
    expect(got.complete).toBe(false); // most rows were never scored exactly
    expect(got.rows).toHaveLength(10);
    agree += got.rows.filter((row, j) => got.seqs[row] === truth[j]![0]).length;
  }
  store.close();
  return agree / (queries * 10);
}

test("on dense clustered vectors, the rows picked by their signs hold the exact top 10 (a few hundred scored of 6,000)", async () => {
  expect(await agreement(0)).toBeGreaterThanOrEqual(0.99);
});

test("vectors mostly of one sign (a shared direction, as some models have, or counts): signs around the mean still pick them", async () => {
  // Around zero every row would get much the same signs: 0.30 measured that way.
  expect(await agreement(2)).toBeGreaterThanOrEqual(0.85);
});
