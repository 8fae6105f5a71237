/**
 * @module Inverted-file lists for the index file: k-means centroids trained on a sample of the stored vectors
 * (spherical: centroids are renormalised, vectors are unit length), then every vector goes to the list of
 * its nearest centroid. A search scores the centroids and reads only the best lists (see file-index.ts).
 * Deterministic for a given store (fixed seed), so two writers build the same file.
 */

/** mulberry32: a seeded stream in [0, 1). */
function seeded(seed: number): { next(): number } {
  let state = seed >>> 0;
  return {
    next() {
      let t = (state = (state + 0x6d2b79f5) >>> 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Stores below this many vectors get one list: an exact scan is fast enough there. */
export const IVF_FROM = 20_000;
/** Training rows per centroid: more changes little (measured on LoCoMo vectors). */
const SAMPLE_PER_LIST = 32;
const ITERATIONS = 6;

/** Most lists a file gets (its centroids are scored at every search). */
const MAX_LISTS = 2048;
/**
 * From this many vectors, lists are twice as fine (2√n) and a search reads a smaller share of them
 * ({@link probeShareFor}): at 1M memories (bench/scale.ts, real USE-lite vectors) MCP hybrid recall p50
 * 24.5 → 16.1 ms and a cold CLI hybrid recall 170 → 156 ms, LoCoMo R@10 69.1 against 69.2 probing every list
 * (69.1 with a fifth of 2,048, 69.3 with a fifth of 1,000). At 100k twice the lists at a tenth lost 0.8
 * points with synthetic distractors (DESIGN.md "IVF lists and probes again"), so smaller stores keep √n.
 * Between this and 1M it is interpolated, not measured.
 */
export const FINE_FROM = 750_000;

/** Lists for `n` vectors: about √n, 2√n from {@link FINE_FROM} (a probe of a tenth or a twentieth reads ~n / 10 or n / 20 rows). */
export function listsFor(n: number): number {
  if (n < IVF_FROM) return 1;
  return Math.min(MAX_LISTS, Math.round((n >= FINE_FROM ? 2 : 1) * Math.sqrt(n)));
}

/**
 * The share of a file's lists a search reads: a twentieth when its lists are fine (≥ 1.5√n, as {@link listsFor}
 * builds from {@link FINE_FROM}), else a tenth. Read from the file, so one built before keeps its own share.
 * Measured on the bench/scale.ts stores, every memory embedded by USE-lite, LoCoMo's 984 mixed-in questions
 * through MCP (DESIGN.md "Fewer lists read per search"): at 1M semantic-only R@10 46.9 exact, 46.9 at a tenth,
 * 46.4 at a twentieth, hybrid 69.2 / 69.1 / 69.1; at 100k 46.6 exact and at a fifth, 46.4 at a tenth, hybrid
 * 70.4 at each. Halving the rows read: cold CLI hybrid medians 1M 128.2 → 118.7 ms, 100k 88.6 → 84.2 ms.
 */
export function probeShareFor(count: number, lists: number): number {
  return lists >= 1.5 * Math.sqrt(count) ? 0.05 : 0.1;
}

/** Writes stored row `r` dequantised (values × scale) into `out` at `at`. */
export type RowReader = (r: number, out: Float32Array, at: number) => void;

function normalise(v: Float32Array, off: number, dims: number): void {
  let s = 0;
  for (let k = 0; k < dims; k++) s += v[off + k]! * v[off + k]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let k = 0; k < dims; k++) v[off + k]! *= inv;
}

/** The index of the centroid with the largest dot product with `v`. */
export function nearest(centroids: Float32Array, nlist: number, dims: number, v: Float32Array): number {
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < nlist; c++) {
    const base = c * dims;
    let a = 0;
    let b = 0;
    let d = 0;
    let e = 0;
    let k = 0;
    for (; k + 4 <= dims; k += 4) {
      a += centroids[base + k]! * v[k]!;
      b += centroids[base + k + 1]! * v[k + 1]!;
      d += centroids[base + k + 2]! * v[k + 2]!;
      e += centroids[base + k + 3]! * v[k + 3]!;
    }
    for (; k < dims; k++) a += centroids[base + k]! * v[k]!;
    const s = a + b + d + e;
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return best;
}

/** Each of `n` float rows' nearest centroid; `rows(from, to)` gives rows [from, to) row-major. */
export type Assign = (rows: (from: number, to: number) => Float32Array, n: number, dims: number, centroids: Float32Array, nlist: number) => Promise<Uint32Array>;

/** The JS assignment: fine for tests and small stores; builders pass onnxruntime's (embed/nearest-centroid.ts). */
export const jsAssign: Assign = async (rows, n, dims, centroids, nlist) => {
  const out = new Uint32Array(n);
  for (let from = 0; from < n; from += 1024) {
    const to = Math.min(n, from + 1024);
    const batch = rows(from, to);
    for (let i = 0; i < to - from; i++) out[from + i] = nearest(centroids, nlist, dims, batch.subarray(i * dims, (i + 1) * dims));
  }
  return out;
};

/**
 * Rows [from, to) dequantised, row-major (row order[i] for i when `order` is given). The array returned is
 * reused by the next call: at 1M vectors a fresh 4 MB array per batch of 2,048 was ~2 GB of garbage a build.
 */
export function dequantised(read: RowReader, dims: number, order?: ArrayLike<number>): (from: number, to: number) => Float32Array {
  let buffer = new Float32Array(0);
  return (from, to) => {
    const need = (to - from) * dims;
    if (buffer.length < need) buffer = new Float32Array(need);
    const out = buffer.subarray(0, need);
    for (let i = from; i < to; i++) read(order ? order[i]! : i, out, (i - from) * dims);
    return out;
  };
}

/** k-means (cosine) on a seeded sample of the n rows; returns nlist × dims unit centroids. */
export async function trainCentroids(read: RowReader, n: number, dims: number, nlist: number, assign: Assign = jsAssign, seed = 1): Promise<Float32Array> {
  const rng = seeded(seed);
  const m = Math.min(n, nlist * SAMPLE_PER_LIST);
  // A seeded partial shuffle: every row equally likely, the same rows on every build of this store.
  const pick = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    [pick[i], pick[j]] = [pick[j]!, pick[i]!];
  }
  const data = dequantised(read, dims, pick)(0, m); // its own array: nothing else calls this reader
  const centroids = new Float32Array(nlist * dims);
  for (let c = 0; c < nlist; c++) {
    const r = Math.floor((c * m) / nlist);
    centroids.set(data.subarray(r * dims, r * dims + dims), c * dims);
  }
  for (let it = 0; it < ITERATIONS; it++) {
    const list = await assign((from, to) => data.subarray(from * dims, to * dims), m, dims, centroids, nlist);
    const sums = new Float32Array(nlist * dims);
    const counts = new Uint32Array(nlist);
    for (let i = 0; i < m; i++) {
      const c = list[i]!;
      counts[c]!++;
      for (let k = 0; k < dims; k++) sums[c * dims + k]! += data[i * dims + k]!;
    }
    for (let c = 0; c < nlist; c++) {
      // An empty list takes a random sample row, so no centroid is wasted.
      if (counts[c] === 0) {
        const r = Math.floor(rng.next() * m);
        sums.set(data.subarray(r * dims, r * dims + dims), c * dims);
      }
      normalise(sums, c * dims, dims);
    }
    centroids.set(sums);
  }
  return centroids;
}
