/**
 * @module Search over the index file plus what changed since it was written. The file's rows are read
 * (not mapped: their pages stay out of the process's resident set) and scored from the packed 4-bit bytes
 * (the same bytes as the database rows, so the same scores);
 * memories the change log names after the file's position are masked in the file and read from SQLite
 * instead (their current vectors, scored exactly), so a stale file is never wrong, only slower. Large
 * files have IVF lists: a search scores the centroids and reads the best lists only (approximate; more
 * lists when a caller asks for more rows); a one-list file is an exact scan.
 */
import { sameEntry } from "../store/log-mark.ts";
import type { IndexFile } from "../store/vector-file.ts";
import { readStoreIndexFile } from "../store/sealed-vector-file.ts";
import type { VectorStore } from "../store/vector-store.ts";
import { Int4Dots, quantizeQuery16, type Int16Query } from "../embed/int8-dots.ts";
import { dotPacked, NIBBLE_LEVELS, paddedDims, rowBytes } from "../store/vector-codec.ts";
import { certifiedTop, ScoredRows } from "./certified-top.ts";
import { dotRow, rankScores, type Ranking } from "./vector-rank.ts";
import { probeShareFor } from "./ivf.ts";

/** Lists read per search: at least this many (the share is ivf.ts probeShareFor's). */
const MIN_PROBES = 8;
/** More changed memories than this share of the file (and above CATCH_UP_MIN): not worth catching up, reload. */
const CATCH_UP_SHARE = 0.2;
const CATCH_UP_MIN = 4096;
/** Rows read per step on the JS path (bounded memory, like the SIMD scorer's chunks). */
const CHUNK_BYTES = 1 << 22;
/** Relative slack over the error bound for float rounding in both scores (orders below the bound). */
const ROUNDING = 1e-5;
/**
 * A file whose rows take at most this many bytes may be kept in the scorer's memory by a long-lived process
 * ({@link FileIndex.keepRows}): 64 MiB is ~130k USE-lite vectors. Larger files are read list by list.
 */
export const KEEP_ROWS_MAX_BYTES = 64 * 1024 * 1024;

/** What one query scored so far: which lists, and per row its seq, file row (−1: a changed memory's current vector), bound and exact score. */
interface Scan {
  query: Float32Array;
  q16: Int16Query | null;
  /** Per unit of a row's scale: how far its approximate score may be from the exact one. */
  slack: number;
  version: number;
  read: Set<number>;
  scored: ScoredRows;
}

export class FileIndex {
  readonly model: string;
  readonly dims: number;
  #file: IndexFile;
  /** The log id caught up to, and that entry's stamp. */
  #pos: number;
  #stamp: number;
  #epoch: number;
  /** Memories changed since the file was written: masked there; their current vectors are in #delta. */
  readonly #masked = new Set<number>();
  readonly #delta = new Map<number, Float32Array>();
  #probeShare: number;
  /** Bumped by every catch-up that changed something: a cached scan is then stale. */
  #version = 0;
  /** What the last query scored so far. */
  #scan: Scan | null = null;
  /** The SIMD scorer (false: unavailable, score in JS) and its reused result buffer. */
  #dots: Int4Dots | false | undefined;
  #ints = new Int32Array(0);
  /** The rows scored for the current query (see #scanLists). */
  readonly #scored = new ScoredRows();
  /** The file's rows are kept in the SIMD scorer's memory ({@link keepRows}): scored in place, never read. */
  #kept = false;
  /** Queries searched so far (a deeper ranking of the same query is not another): the second keeps the rows. */
  #queries = 0;
  /** Bytes of one packed row. */
  readonly #width: number;
  /** One row read for exact re-scoring; rows and float products of the JS path. */
  readonly #row: Uint8Array;
  #jsRows = new Uint8Array(0);
  #exactScores = new Float64Array(0);

  private constructor(model: string, dims: number, file: IndexFile, epoch: number) {
    this.model = model;
    this.dims = dims;
    this.#file = file;
    this.#pos = file.logPos;
    this.#stamp = file.logStamp;
    this.#epoch = epoch;
    this.#probeShare = probeShareFor(file.count, file.nlist);
    this.#width = rowBytes(dims);
    this.#row = new Uint8Array(this.#width);
  }

  /** The file at `path`, caught up with the store; null when it is absent, unusable or too far behind. */
  static open(path: string, store: VectorStore, model: string, dims: number, opts: { probeShare?: number; simd?: boolean; keepRows?: boolean } = {}): FileIndex | null {
    const log = store.logState();
    const read = readStoreIndexFile(store.codec, path, model, dims, log.epoch);
    if (!read.ok || read.file.logPos > log.head) return null;
    const index = new FileIndex(model, dims, read.file, log.epoch);
    if (opts.probeShare !== undefined) index.#probeShare = opts.probeShare;
    if (opts.simd === false) index.#dots = false;
    if (opts.keepRows === false) index.#queries = Number.NEGATIVE_INFINITY; // never reaches the second query
    if (index.catchUp(store)) return index;
    index.close();
    return null;
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
    // The same id under another stamp: the database was replaced by an older copy, then written to (a file
    // written before stamps has none to compare: log-mark.ts).
    if (log.head === this.#pos) return sameEntry(this.#stamp, log.stamp);
    const limit = Math.max(CATCH_UP_MIN, Math.floor(this.#file.count * CATCH_UP_SHARE));
    const changed = store.changedSince(this.#pos, this.#stamp, limit);
    if (changed === null || changed.length + this.#masked.size > limit) return false;
    for (const seq of changed) {
      this.#masked.add(seq);
      this.#delta.delete(seq);
    }
    for (const v of store.readSeqs(this.model, this.dims, changed)) this.#delta.set(v.seq, v.vector);
    this.#pos = log.head;
    this.#stamp = log.stamp;
    this.#version++;
    return true;
  }

  /**
   * The best `want` rows (exact scores of the rows read), best first, ties by seq. `complete` only when
   * every list was read and every row returned. Throws when a list fails its CRC (the caller falls back).
   * `seqs` is valid until the next search for another query (its buffer is reused).
   */
  rank(query: Float32Array, want: number): Ranking & { seqs: ArrayLike<number> } {
    if (query.length !== this.dims) throw new Error(`query has ${query.length} dims, index ${this.model} has ${this.dims}`);
    const scan = this.#scanLists(query, this.#probe(query, want));
    const { scored } = scan;
    const row = this.#row;
    const kept = this.#kept && this.#dots ? this.#dots.kept() : null;
    const ranking = certifiedTop(scored, want, (i) => {
      const r = scored.rows[i]!;
      if (kept) row.set(kept.subarray(r * this.#width, (r + 1) * this.#width));
      else this.#file.readRows(r, r + 1, row);
      return Math.fround(dotPacked(row, 0, this.dims, query) * this.#file.scales[r]!);
    });
    return { ...ranking, complete: ranking.complete && scan.read.size === this.#file.nlist, seqs: scored.seqs.subarray(0, scored.size) };
  }

  /**
   * Keeps every row of the file in the SIMD scorer's memory, for a process that searches again and again: a
   * search then scores its lists where they lie instead of reading them (at 100k memories ~10 MB read per
   * search). Every list's CRC is checked as it is loaded. False, and nothing kept, when the rows exceed
   * `maxBytes`, the scorer is unavailable, memory cannot grow, or a list fails its CRC (a search then reads
   * that list, fails it and falls back as before).
   */
  keepRows(maxBytes = KEEP_ROWS_MAX_BYTES): boolean {
    if (this.#kept) return true;
    const file = this.#file;
    const width = this.#width;
    if (file.count * width > maxBytes) return false;
    this.#dots ??= Int4Dots.for(paddedDims(this.dims)) ?? false;
    const dots = this.#dots;
    if (!dots || !dots.keep(file.count, (into, r, n) => file.readRows(r, r + n, into))) return false;
    const rows = dots.kept()!;
    const { offsets } = file;
    for (let l = 0; l < file.nlist; l++) {
      if (!file.checkPiece(l, rows.subarray(offsets[l]! * width, offsets[l + 1]! * width), true, true)) {
        this.#dots = undefined; // a fresh scorer without the kept rows (the memory goes with the old one)
        return false;
      }
    }
    this.#kept = true;
    file.release(); // a sealed file's decrypted lists: the same rows, now in the scorer
    return true;
  }

  /** Whether the rows are kept in memory ({@link keepRows}). */
  get keepsRows(): boolean {
    return this.#kept;
  }

  /** Closes the file (a search after this throws; the caller opens the index again). */
  close(): void {
    this.#file.close();
  }

  /** Removes the file if it is still the one at its path (IndexFile.discard): it failed a check. */
  discard(): void {
    this.#file.discard();
  }

  /**
   * Scores the lists not yet read for this query. A deeper ranking of the same query (filters rejected the
   * first rows) scores only the lists it adds. With the SIMD scorer a row's score is approximate (int16
   * query) and its bound is what certifiedTop needs; without it every score is exact. Rows are read from the
   * file into the scorer (or a JS buffer); the first read of a list checks its CRC on those same bytes.
   */
  #scanLists(query: Float32Array, lists: number[]): Scan {
    const file = this.#file;
    const { dims } = this;
    let scan = this.#scan;
    if (!scan || scan.query !== query || scan.version !== this.#version) {
      // A process searching a second time searches often (a server, the hook daemon): keep the rows if small.
      if (++this.#queries === 2) this.keepRows();
      this.#dots ??= Int4Dots.for(paddedDims(dims)) ?? false;
      const q16 = this.#dots ? quantizeQuery16(query, this.#dots.dims) : null;
      // |exact − approximate| ≤ scale · Σ|v_k| · q16.scale / 2, and Σ|v_k| ≤ 7 · dims (the padding is zeros).
      const slack = q16 ? (q16.scale / 2) * NIBBLE_LEVELS * dims : 0;
      // The previous query's buffers, emptied: at 1M a scan holds ~200k rows (~5 MB), and fresh arrays per
      // search piled up faster than the collector freed them (~650 MB after 100 searches).
      this.#scored.clear();
      scan = { query, q16, slack, version: this.#version, read: new Set(), scored: this.#scored };
      scan.scored.reserve(this.#delta.size);
      for (const [seq, v] of this.#delta) {
        const score = dotRow(v, 0, dims, query);
        scan.scored.push(seq, -1, score, score);
      }
      this.#scan = scan;
    }
    const masked = this.#masked.size > 0 ? this.#masked : null;
    const { scales, seqs, offsets } = file;
    const { scored, q16, slack } = scan;
    const dots = q16 && this.#dots ? this.#dots : null;
    scored.reserve(lists.reduce((n, l) => n + (scan.read.has(l) ? 0 : offsets[l + 1]! - offsets[l]!), 0));
    for (const l of lists) {
      if (scan.read.has(l)) continue;
      const from = offsets[l]!;
      const to = offsets[l + 1]!;
      const rows = to - from;
      // Reads the list's rows r … r + n − 1 into `into` and folds them into its check.
      let intact = true;
      const fill = (into: Uint8Array, r: number, n: number) => {
        file.readRows(from + r, from + r + n, into);
        intact = file.checkPiece(l, into, r === 0, r + n >= rows) && intact;
      };
      if (dots) {
        if (this.#ints.length < rows) this.#ints = new Int32Array(rows);
        if (this.#kept) dots.dotsKept(from, rows, q16!.values, this.#ints);
        else dots.dots(rows, fill, q16!.values, this.#ints);
      } else this.#jsDots(rows, fill, query);
      if (rows === 0) intact = file.listOk(l);
      if (!intact) throw new Error(`vector index list ${l} fails its checksum`);
      scan.read.add(l);
      if (dots) {
        const ints = this.#ints;
        const unit = q16!.scale;
        for (let r = from; r < to; r++) {
          const seq = seqs[r]!;
          if (masked?.has(seq)) continue;
          const approx = ints[r - from]! * unit * scales[r]!;
          scored.push(seq, r, approx + scales[r]! * slack + ROUNDING * (Math.abs(approx) + 1), Number.NaN);
        }
      } else {
        const exact = this.#exactScores;
        for (let r = from; r < to; r++) {
          const seq = seqs[r]!;
          if (masked?.has(seq)) continue;
          const score = Math.fround(exact[r - from]! * scales[r]!);
          scored.push(seq, r, score, score);
        }
      }
    }
    return scan;
  }

  /** Without the SIMD scorer: each row's exact float product with the query, into #exactScores. */
  #jsDots(rows: number, fill: (into: Uint8Array, r: number, n: number) => void, query: Float32Array): void {
    const { dims } = this;
    const width = this.#width;
    const step = Math.max(1, Math.floor(CHUNK_BYTES / width));
    if (this.#jsRows.length < Math.min(rows, step) * width) this.#jsRows = new Uint8Array(Math.min(rows, step) * width);
    if (this.#exactScores.length < rows) this.#exactScores = new Float64Array(rows);
    for (let r = 0; r < rows; r += step) {
      const n = Math.min(step, rows - r);
      fill(this.#jsRows.subarray(0, n * width), r, n);
      for (let i = 0; i < n; i++) this.#exactScores[r + i] = dotPacked(this.#jsRows, i * width, dims, query);
    }
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
