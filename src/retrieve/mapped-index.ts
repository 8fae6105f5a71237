/**
 * @module Search over the mapped index file plus what changed since it was written. The file's rows are
 * scored straight from the mapped int8 bytes (the same bytes as the database rows, so the same scores);
 * memories the change log names after the file's position are masked in the file and read from SQLite
 * instead (their current vectors, scored exactly), so a stale file is never wrong, only slower. Large
 * files have IVF lists: a search scores the centroids and reads the best lists only (approximate; more
 * lists when a caller asks for more rows); a one-list file is an exact scan.
 */
import { readIndexFile, type IndexFile } from "../store/vector-file.ts";
import type { VectorStore } from "../store/vector-store.ts";
import { Int8Dots, quantizeQuery16, type Int16Query } from "./int8-dots.ts";
import { ROW_LEVELS } from "../embed/vector-kernel.ts";
import { dotRow, rankScores, topIndices, type Ranking } from "./vector-rank.ts";

/** Lists read per search: this share of them, at least MIN_PROBES. LoCoMo dense R@10 among 100k (bench/vector-index.ts): exact 37.5; 10% 35.4, 20% 37.4, 30% 37.5. */
const PROBE_SHARE = 0.2;
const MIN_PROBES = 8;
/** More changed memories than this share of the file (and above CATCH_UP_MIN): not worth catching up, reload. */
const CATCH_UP_SHARE = 0.2;
const CATCH_UP_MIN = 4096;
/** Relative slack over the error bound for float rounding in both scores (orders below the bound). */
const ROUNDING = 1e-5;

/** What one query scored so far: which lists, and per row its seq, file row (−1: a changed memory's current vector), bound and exact score. */
interface Scan {
  query: Float32Array;
  q16: Int16Query | null;
  /** Per unit of a row's scale: how far its approximate score may be from the exact one. */
  slack: number;
  version: number;
  read: Set<number>;
  seqs: number[];
  rows: number[];
  /** The most each row can score exactly (its exact score once known, or without the SIMD scorer). */
  upper: number[];
  /** Exact scores; NaN until computed. */
  exact: number[];
}

export class MappedIndex {
  readonly model: string;
  readonly dims: number;
  #file: IndexFile;
  /** The log id caught up to. */
  #pos: number;
  #epoch: number;
  /** Memories changed since the file was written: masked there; their current vectors are in #delta. */
  readonly #masked = new Set<number>();
  readonly #delta = new Map<number, Float32Array>();
  #probeShare = PROBE_SHARE;
  /** Bumped by every catch-up that changed something: a cached scan is then stale. */
  #version = 0;
  /** What the last query scored so far. */
  #scan: Scan | null = null;
  /** The SIMD scorer (false: unavailable, score in JS) and its reused result buffer. */
  #dots: Int8Dots | false | undefined;
  #ints = new Int32Array(0);

  private constructor(model: string, dims: number, file: IndexFile, epoch: number) {
    this.model = model;
    this.dims = dims;
    this.#file = file;
    this.#pos = file.logPos;
    this.#epoch = epoch;
  }

  /** The file at `path`, caught up with the store; null when it is absent, unusable or too far behind. */
  static open(path: string, store: VectorStore, model: string, dims: number, opts: { probeShare?: number; simd?: boolean } = {}): MappedIndex | null {
    const log = store.logState();
    const read = readIndexFile(path, model, dims, log.epoch);
    if (!read.ok || read.file.logPos > log.head) return null;
    const index = new MappedIndex(model, dims, read.file, log.epoch);
    if (opts.probeShare !== undefined) index.#probeShare = opts.probeShare;
    if (opts.simd === false) index.#dots = false;
    return index.catchUp(store) ? index : null;
  }

  /** At most this many rows: the file's (some may be masked) plus the changed memories' current vectors. */
  get size(): number {
    return this.#file.count + this.#delta.size;
  }

  /** Memories changed since the file was written (read from the database at each open). */
  get behind(): number {
    return this.#masked.size;
  }

  get lists(): number {
    return this.#file.nlist;
  }

  /** Reads the changes logged since the last catch-up; false when that is impossible (the caller reopens). */
  catchUp(store: VectorStore): boolean {
    const log = store.logState();
    if (log.epoch !== this.#epoch || log.pruned > this.#pos || log.head < this.#pos) return false;
    if (log.head === this.#pos) return true;
    const limit = Math.max(CATCH_UP_MIN, Math.floor(this.#file.count * CATCH_UP_SHARE));
    const changed = store.changedSince(this.#pos, limit);
    if (changed === null || changed.length + this.#masked.size > limit) return false;
    for (const seq of changed) {
      this.#masked.add(seq);
      this.#delta.delete(seq);
    }
    for (const v of store.readSeqs(this.model, this.dims, changed)) this.#delta.set(v.seq, v.vector);
    this.#pos = log.head;
    this.#version++;
    return true;
  }

  /**
   * The best `want` rows (exact scores of the rows read), best first, ties by seq. `complete` only when
   * every list was read and every row returned. Throws when a list fails its CRC (the caller falls back).
   */
  rank(query: Float32Array, want: number): Ranking & { seqs: number[] } {
    if (query.length !== this.dims) throw new Error(`query has ${query.length} dims, index ${this.model} has ${this.dims}`);
    const scan = this.#scanLists(query, this.#probe(query, want));
    const ranking = certifiedTop(scan, want, (i) => this.#exact(scan, i));
    return { ...ranking, complete: ranking.complete && scan.read.size === this.#file.nlist, seqs: scan.seqs.slice() };
  }

  /**
   * Scores the lists not yet read for this query. A deeper ranking of the same query (filters rejected the
   * first rows) scores only the lists it adds. With the SIMD scorer a row's score is approximate (int16
   * query) and `upper` bounds its exact score; without it every score is exact.
   */
  #scanLists(query: Float32Array, lists: number[]): Scan {
    const file = this.#file;
    const { dims } = this;
    let scan = this.#scan;
    if (!scan || scan.query !== query || scan.version !== this.#version) {
      this.#dots ??= Int8Dots.for(dims) ?? false;
      const q16 = this.#dots ? quantizeQuery16(query) : null;
      // |exact − approximate| ≤ scale · Σ|v_k| · q16.scale / 2, and Σ|v_k| ≤ 127 · dims.
      const slack = q16 ? (q16.scale / 2) * ROW_LEVELS * dims : 0;
      scan = { query, q16, slack, version: this.#version, read: new Set(), seqs: [], rows: [], upper: [], exact: [] };
      for (const [seq, v] of this.#delta) {
        const score = dotRow(v, 0, dims, query);
        scan.seqs.push(seq);
        scan.rows.push(-1);
        scan.upper.push(score);
        scan.exact.push(score);
      }
      this.#scan = scan;
    }
    const masked = this.#masked.size > 0 ? this.#masked : null;
    const { values, scales, seqs, offsets } = file;
    const dots = this.#dots || null;
    for (const l of lists) {
      if (scan.read.has(l)) continue;
      if (!file.listOk(l)) throw new Error(`vector index list ${l} fails its checksum`);
      scan.read.add(l);
      const from = offsets[l]!;
      const to = offsets[l + 1]!;
      let ints: Int32Array | null = null;
      if (dots && scan.q16) {
        ints = this.#ints.length >= to - from ? this.#ints : (this.#ints = new Int32Array(to - from));
        dots.dots(values, from, to, scan.q16.values, ints);
      }
      for (let r = from; r < to; r++) {
        const seq = seqs[r]!;
        if (masked?.has(seq)) continue;
        scan.seqs.push(seq);
        scan.rows.push(r);
        if (ints) {
          const approx = ints[r - from]! * scan.q16!.scale * scales[r]!;
          scan.upper.push(approx + scales[r]! * scan.slack + ROUNDING * (Math.abs(approx) + 1));
          scan.exact.push(Number.NaN);
        } else {
          const score = Math.fround(dotInt8(values, r * dims, dims, query) * scales[r]!);
          scan.upper.push(score);
          scan.exact.push(score);
        }
      }
    }
    return scan;
  }

  /** Scan entry i's exact score (computed once): the same function as the database rows' scores. */
  #exact(scan: Scan, i: number): number {
    let score = scan.exact[i]!;
    if (Number.isNaN(score)) {
      const r = scan.rows[i]!;
      score = Math.fround(dotInt8(this.#file.values, r * this.dims, this.dims, scan.query) * this.#file.scales[r]!);
      scan.exact[i] = score;
    }
    return score;
  }

  /** The lists to read: all for a flat file, else the best by centroid, more when more rows are wanted. */
  #probe(query: Float32Array, want: number): number[] {
    const file = this.#file;
    const n = file.nlist;
    if (n === 1) return [0];
    const base = Math.max(MIN_PROBES, Math.ceil(n * this.#probeShare));
    const perList = Math.max(1, file.count / n);
    const probes = Math.min(n, Math.max(base, Math.ceil((want * 4) / perList)));
    const c = new Float32Array(n);
    for (let l = 0; l < n; l++) c[l] = dotRow(file.centroids, l, this.dims, query);
    return rankScores(c, probes).rows;
  }
}

/**
 * The `want` best rows by exact score, ties by seq, re-scoring exactly only the rows whose upper bound
 * reaches the top: the best `count` by bound are re-scored, and those scoring above every other row's bound
 * are certainly ahead of all the rest. Too few, and `count` grows; at every row the ranking is exact outright.
 * The result is the one exact scores of every row would give.
 */
function certifiedTop(scan: Scan, want: number, exact: (i: number) => number): Ranking {
  const n = scan.seqs.length;
  const upper = Float64Array.from(scan.upper);
  const { seqs } = scan;
  for (let count = Math.min(n, Math.max(2 * want, want + 32)); ; count = Math.min(n, count * 4)) {
    if (count >= n) {
      const scores = new Float32Array(n);
      for (let i = 0; i < n; i++) scores[i] = exact(i);
      return rankScores(scores, want, seqs);
    }
    const order = topIndices(upper, count, seqs);
    const line = upper[order[count - 1]!]!; // no row outside `order` can score above it
    const certain = order.filter((i) => exact(i) > line);
    if (certain.length >= want) {
      certain.sort((a, b) => exact(b) - exact(a) || seqs[a]! - seqs[b]!);
      const rows = certain.slice(0, want);
      return { rows, scores: rows.map(exact), complete: false };
    }
  }
}

/** Σ values[off + k] · q[k] over the int8 row (four accumulators, like dotRow). */
function dotInt8(values: Int8Array, off: number, dims: number, q: Float32Array): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let k = 0;
  for (; k + 4 <= dims; k += 4) {
    a += values[off + k]! * q[k]!;
    b += values[off + k + 1]! * q[k + 1]!;
    c += values[off + k + 2]! * q[k + 2]!;
    d += values[off + k + 3]! * q[k + 3]!;
  }
  for (; k < dims; k++) a += values[off + k]! * q[k]!;
  return Math.fround(a + b + c + d);
}
