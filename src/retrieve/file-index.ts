/**
 * @module Search over the index file plus what changed since it was written. The file holds each vector's
 * signs (store/vector-signs.ts), not the vector: its rows are read (not mapped: their pages stay out of the
 * process's resident set) and scored approximately from the signs, and the best of them by that score
 * ({@link RESCORE_MIN}, or {@link RESCORE_PER_ROW} per row asked for) are scored exactly from the database's
 * vectors, as every other path scores them (vector-rank.ts dotRow), so each vector is stored in full once.
 * Memories the change log names after the file's position are masked in the file and read from SQLite instead
 * (their current vectors, scored exactly), so a stale file is never wrong, only slower. Large files have IVF
 * lists: a search scores the centroids and reads the best lists only (approximate; more lists when a caller
 * asks for more rows); a one-list file is a scan of every row's signs. A search in some projects leaves the
 * other projects' rows out by the project code the file holds for each row (a memory moved since is a changed
 * row), before summing their signs and before scoring any exactly.
 */
import { sameEntry } from "../store/log-mark.ts";
import type { IndexFile } from "../store/vector-file.ts";
import { readStoreIndexFile } from "../store/sealed-vector-file.ts";
import type { VectorStore } from "../store/vector-store.ts";
import type { ProjectScope } from "../store/filter-sql.ts";
import { LastScope } from "../store/project-codes.ts";
import { signBytes, signDots, signTable } from "../store/vector-signs.ts";
import { ScoredRows } from "./scored-rows.ts";
import { dotPacked, dotRow, rankScores, topIndices, type Ranking } from "./vector-rank.ts";
import { probeShareFor } from "./ivf.ts";

/** Lists read per search: at least this many (the share is ivf.ts probeShareFor's). */
const MIN_PROBES = 8;
/** More changed memories than this share of the file (and above CATCH_UP_MIN): not worth catching up, reload. */
const CATCH_UP_SHARE = 0.2;
const CATCH_UP_MIN = 4096;
/** Rows read per step (bounded memory whatever the list's size). */
const CHUNK_BYTES = 1 << 20;
/**
 * Rows scored exactly per search: the best by sign score, at least this many and this many per row asked for.
 * On the 100k scale store's LoCoMo questions (real USE-lite vectors, every list read) the exact top 10 are
 * among the best 200 by sign score 99.93% of the time and the top 50 98.4% (99.7% among 400); LoCoMo R@10 of
 * the store's mixed-in conversations is the same with 2 or 4 per row (70.2), 2 reading half the rows
 * (DESIGN.md "Each vector stored in full once").
 */
const RESCORE_MIN = 200;
const RESCORE_PER_ROW = 2;
/**
 * A file whose rows take at most this many bytes may be kept in memory by a long-lived process
 * ({@link FileIndex.keepRows}): 32 MiB is ~520k USE-lite rows. Larger files are read list by list (their pages
 * in the OS cache, not the process): kept at 1M, `cairn mcp` held 338 MB against 228 before (the target is 300).
 */
export const KEEP_ROWS_MAX_BYTES = 32 * 1024 * 1024;

/**
 * What one query scored so far: its sign table, its score with each list's centroid, which lists, and per row
 * its seq, sign score and exact score.
 */
interface Scan {
  query: Float32Array;
  scope: RowScope | undefined;
  table: Float32Array;
  centres: Float32Array;
  version: number;
  read: Set<number>;
  scored: ScoredRows;
}

/** A search's projects as the file's codes: which it keeps (acceptedCodes), and the share of the rows they hold. */
interface RowScope {
  accept: Uint8Array;
  share: number;
}

export class FileIndex {
  readonly model: string;
  readonly dims: number;
  #file: IndexFile;
  /** Where the exact scores come from: the database's vectors. */
  readonly #store: VectorStore;
  /** The log id caught up to, and that entry's stamp. */
  #pos: number;
  #stamp: number;
  #epoch: number;
  /** Memories changed since the file was written: masked there; their current vectors are in #delta. */
  readonly #masked = new Set<number>();
  readonly #delta = new Map<number, Float32Array>();
  #probeShare: number;
  #rescoreMin = RESCORE_MIN;
  /** Bumped by every catch-up that changed something: a cached scan is then stale. */
  #version = 0;
  /** What the last query scored so far. */
  #scan: Scan | null = null;
  /** The last scope searched, as the file's codes. */
  readonly #lastScope = new LastScope<RowScope>();
  /** The rows scored for the current query (see #scanLists). */
  readonly #scored = new ScoredRows();
  /** Every row of the file, kept in memory ({@link keepRows}): scored where they lie, never read again. */
  #kept: Uint8Array | null = null;
  /** Queries searched so far (a deeper ranking of the same query is not another): the second keeps the rows. */
  #queries = 0;
  /** Bytes of one row's signs. */
  readonly #width: number;
  /** One vector read from the database, dequantised for its exact score (a width dotPacked unpacks). */
  readonly #vector: Float32Array;
  /** Rows read from the file, and their sign scores. */
  #buffer = new Uint8Array(0);
  #signScores = new Float64Array(0);

  private constructor(model: string, dims: number, file: IndexFile, store: VectorStore, epoch: number) {
    this.model = model;
    this.dims = dims;
    this.#file = file;
    this.#store = store;
    this.#pos = file.logPos;
    this.#stamp = file.logStamp;
    this.#epoch = epoch;
    this.#probeShare = probeShareFor(file.count, file.nlist);
    this.#width = signBytes(dims);
    this.#vector = new Float32Array(dims);
  }

  /**
   * The file at `path`, caught up with the store; null when it is absent, unusable or too far behind.
   * `probeShare` and `rescoreMin` (rows scored exactly at the least; Infinity: every row read) replace the
   * defaults for measurement and tests.
   */
  static open(path: string, store: VectorStore, model: string, dims: number, opts: { probeShare?: number; rescoreMin?: number; keepRows?: boolean } = {}): FileIndex | null {
    const log = store.logState();
    const read = readStoreIndexFile(store.codec, path, model, dims, log.epoch);
    if (!read.ok || read.file.logPos > log.head) return null;
    const index = new FileIndex(model, dims, read.file, store, log.epoch);
    if (opts.probeShare !== undefined) index.#probeShare = opts.probeShare;
    if (opts.rescoreMin !== undefined) index.#rescoreMin = opts.rescoreMin;
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
   * The best `want` rows by exact score, best first, ties by seq: of the rows in the lists read, the best by
   * sign score scored from the database's vectors, and every changed memory's current vector. `complete` only
   * when every list was read, every row scored exactly and every one returned. A row whose vector is gone from
   * the database since the last catch-up is left out, and so is every row of a project `scope` (stored keys:
   * VectorStore.projectScope) leaves out, by the project code the file holds for it (a memory moved to another
   * project since is a changed row: the change log names it): a search in one project of eight scores exactly
   * the rows it can return, not eight times as many.
   * Throws when a list fails its CRC (the caller falls back). `seqs` is valid until the next search for another
   * query (its buffer is reused).
   */
  rank(query: Float32Array, want: number, scope?: ProjectScope): Ranking & { seqs: ArrayLike<number> } {
    if (query.length !== this.dims) throw new Error(`query has ${query.length} dims, index ${this.model} has ${this.dims}`);
    const kept = this.#rowScope(scope);
    const scan = this.#scanOf(query, kept);
    this.#scanLists(scan, this.#probe(scan.centres, want, kept?.share ?? 1));
    const { scored } = scan;
    const n = scored.size;
    const seqs = scored.seqs.subarray(0, n);
    // Changed memories' rows rank first here (approx +∞): they are scored exactly already and always compete.
    const pool = Math.min(n, this.#delta.size + Math.max(this.#rescoreMin, RESCORE_PER_ROW * want));
    const picked = topIndices(scored.approx.subarray(0, n), pool, seqs);
    this.#scoreExactly(picked, scored, query);
    const exact = new Float32Array(picked.length);
    for (let i = 0; i < picked.length; i++) exact[i] = scored.exact[picked[i]!]!;
    const keys = Uint32Array.from(picked, (i) => seqs[i]!);
    const best = rankScores(exact, want, keys);
    // A vector gone since the catch-up scored −∞: it is not a row.
    const found = best.rows.findIndex((r) => exact[r] === Number.NEGATIVE_INFINITY);
    const rows = (found < 0 ? best.rows : best.rows.slice(0, found)).map((r) => picked[r]!);
    const complete = found < 0 && best.complete && picked.length === n && scan.read.size === this.#file.nlist;
    return { rows, scores: rows.map((i) => scored.exact[i]!), complete, seqs };
  }

  /** Scores the rows `picked` that have no exact score yet from their vectors in the database (−∞ when gone). */
  #scoreExactly(picked: readonly number[], scored: ScoredRows, query: Float32Array): void {
    const wanted = new Map<number, number>();
    for (const i of picked) if (Number.isNaN(scored.exact[i]!)) wanted.set(scored.seqs[i]!, i);
    if (wanted.size === 0) return;
    // In seq order: neighbours in the database are found on pages just read.
    const seqs = [...wanted.keys()].sort((a, b) => a - b);
    this.#store.packedSeqs(this.model, this.dims, seqs, (seq, packed) => {
      const i = wanted.get(seq);
      if (i === undefined) return;
      scored.exact[i] = dotPacked(packed, 0, this.dims, query, this.#vector);
      wanted.delete(seq);
    });
    for (const i of wanted.values()) scored.exact[i] = Number.NEGATIVE_INFINITY;
  }

  /**
   * Keeps every row of the file in memory, for a process that searches again and again: a search then scores
   * its lists where they lie instead of reading them. Every list's CRC is checked as it is loaded. False, and
   * nothing kept, when the rows exceed `maxBytes` or a list fails its CRC (a search then reads that list, fails
   * it and falls back as before).
   */
  keepRows(maxBytes = KEEP_ROWS_MAX_BYTES): boolean {
    if (this.#kept) return true;
    const file = this.#file;
    const width = this.#width;
    if (file.count * width > maxBytes) return false;
    const rows = new Uint8Array(file.count * width);
    const { offsets } = file;
    for (let l = 0; l < file.nlist; l++) {
      const part = rows.subarray(offsets[l]! * width, offsets[l + 1]! * width);
      if (part.length > 0) file.readRows(offsets[l]!, offsets[l + 1]!, part);
      if (!file.checkPiece(l, part, true, true)) return false;
    }
    this.#kept = rows;
    file.release(); // a sealed file's decrypted lists: the same rows, now kept here
    return true;
  }

  /** Whether the rows are kept in memory ({@link keepRows}). */
  get keepsRows(): boolean {
    return this.#kept !== null;
  }

  /** Closes the file (a search after this throws; the caller opens the index again). */
  close(): void {
    this.#file.close();
  }

  /** Whether its path names another file now (IndexFile.replaced). */
  replaced(): boolean {
    return this.#file.replaced();
  }

  /** Removes the file if it is still the one at its path (IndexFile.discard): it failed a check. */
  discard(): void {
    this.#file.discard();
  }

  /**
   * The scan of `query` in `scope`: the one in progress when a deeper ranking of the same query asks again
   * (it keeps the lists read and the exact scores taken), else a new one: the query's sign table, its score
   * with each centroid, and the changed memories' rows.
   */
  #scanOf(query: Float32Array, scope: RowScope | undefined): Scan {
    const scan = this.#scan;
    if (scan && scan.query === query && scan.scope === scope && scan.version === this.#version) return scan;
    // A process searching a second time searches often (a server, the hook daemon): keep the rows if small.
    if (++this.#queries === 2) this.keepRows();
    // The previous query's buffers, emptied: at 1M a scan holds ~50k rows, and fresh arrays per search
    // piled up faster than the collector freed them.
    this.#scored.clear();
    const { centroids, nlist } = this.#file;
    const centres = new Float32Array(nlist);
    for (let l = 0; l < nlist; l++) centres[l] = dotRow(centroids, l, this.dims, query);
    const next: Scan = { query, scope, table: signTable(query), centres, version: this.#version, read: new Set(), scored: this.#scored };
    next.scored.reserve(this.#delta.size);
    // Changed memories compete whatever their project now (the file's code may be out of date): the caller's
    // filter has the last word on every row.
    for (const [seq, v] of this.#delta) next.scored.push(seq, Number.POSITIVE_INFINITY, dotRow(v, 0, this.dims, query));
    this.#scan = next;
    return next;
  }

  /**
   * Scores the lists of `lists` the scan has not read yet by their signs. Rows are read from the file (or the
   * kept rows); the first read of a list checks its CRC on those same bytes.
   */
  #scanLists(scan: Scan, lists: number[]): void {
    const file = this.#file;
    const width = this.#width;
    const accept = scan.scope?.accept;
    const { factors, seqs, offsets, codes } = file;
    const { scored, table, centres } = scan;
    const kept = this.#kept;
    const masked = this.#masked.size > 0 ? this.#masked : null;
    scored.reserve(lists.reduce((n, l) => n + (scan.read.has(l) ? 0 : offsets[l + 1]! - offsets[l]!), 0));
    for (const l of lists) {
      if (scan.read.has(l)) continue;
      const from = offsets[l]!;
      const to = offsets[l + 1]!;
      const rows = to - from;
      if (this.#signScores.length < rows) this.#signScores = new Float64Array(rows);
      const sums = this.#signScores;
      let intact = true;
      if (kept) signDots(table, kept, from * width, rows, width, sums, 0, accept && codes.subarray(from, to), accept);
      else {
        const step = Math.max(1, Math.floor(CHUNK_BYTES / width));
        if (this.#buffer.length < Math.min(rows, step) * width) this.#buffer = new Uint8Array(Math.min(rows, step) * width);
        for (let r = 0; r < rows; r += step) {
          const n = Math.min(step, rows - r);
          const piece = this.#buffer.subarray(0, n * width);
          file.readRows(from + r, from + r + n, piece);
          intact = file.checkPiece(l, piece, r === 0, r + n >= rows) && intact;
          signDots(table, piece, 0, n, width, sums, r, accept && codes.subarray(from + r, from + r + n), accept);
        }
        if (rows === 0) intact = file.listOk(l);
      }
      if (!intact) throw new Error(`vector index list ${l} fails its checksum`);
      scan.read.add(l);
      // q·x = q·c + q·(x − c), the second estimated from the signs (vector-signs.ts).
      const centre = centres[l]!;
      for (let r = from; r < to; r++) {
        const seq = seqs[r]!;
        if ((accept && accept[codes[r]!] === 0) || masked?.has(seq)) continue;
        scored.push(seq, centre + sums[r - from]! * factors[r]!, Number.NaN);
      }
    }
  }

  /** `scope` as the file's codes, kept for the next search of the same scope; undefined when it keeps every row. */
  #rowScope(scope: ProjectScope | undefined): RowScope | undefined {
    const { names, codeCounts, count } = this.#file;
    return this.#lastScope.of(scope, names, (accept) => {
      let rows = 0;
      for (let c = 0; c < 256; c++) if (accept[c]) rows += codeCounts[c]!;
      return { accept, share: Math.max(rows, 1) / Math.max(count, 1) };
    });
  }

  /**
   * The lists to read: all for a flat file, else the best by centroid (`centres`: the query's score with each),
   * more when more rows are wanted — and when the scope keeps only a `share` of them (a small project in a
   * large store), as many more as that takes.
   */
  #probe(centres: Float32Array, want: number, share: number): number[] {
    const file = this.#file;
    const n = file.nlist;
    if (n === 1) return [0];
    const base = Math.max(MIN_PROBES, Math.ceil(n * this.#probeShare));
    const perList = Math.max(1, (file.count / n) * share);
    const probes = Math.min(n, Math.max(base, Math.ceil((want * 4) / perList)));
    return rankScores(centres, probes).rows;
  }
}
