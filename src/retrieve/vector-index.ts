/**
 * @module An in-memory matrix of one model's vectors for exact cosine search, kept in step with the
 * database incrementally, whoever wrote to it. Each sync compares the rows' integer keys (rowid, seq,
 * written-at; ~1 ms at 10k, no blob read) with what it holds, then reads only new or changed vectors and
 * drops deleted rows by moving the last row into the hole; a large difference reloads everything. Large
 * matrices also keep an int8 copy for the top-k kernel (see vector-rank.ts), updated the same way.
 */
import type { StoredVector, VectorStore } from "../store/vector-store.ts";
import type { TopKKernel } from "../embed/vector-kernel.ts";
import { Int8Columns } from "./vector-quant.ts";
import { dotRow, type Ranking, rankScores, rankWithKernel } from "./vector-rank.ts";

/** Changes beyond this share of the rows reload everything: one bulk read beats that many lookups. */
const RELOAD_SHARE = 0.25;
/** Up to this many changes are applied one by one whatever the size: each costs microseconds. */
const RELOAD_MIN = 64;

export class VectorIndex {
  readonly model: string;
  readonly dims: number;
  #matrix = new Float32Array(0);
  /** Per row: the memory's seq (handed to callers with each ranking; replaced, never mutated, on change). */
  #seqs: number[] = [];
  #rowids: number[] = [];
  #created: number[] = [];
  readonly #rowOf = new Map<number, number>();
  #loaded = false;
  /**
   * Rowids of rows written no earlier than the last sync began. Only such a row can be deleted and written
   * again with the same key (same rowid, seq and millisecond: the delete follows our read, the new write's
   * time follows the delete), so each sync reads these few again instead of trusting their keys.
   */
  #recent: number[] = [];
  /** Built on the first kernel search, then updated with every change; dropped on a full reload. */
  readonly #columns: Int8Columns;
  #columnsBuilt = false;
  /** Bumped by every change, so a ranking that awaited the kernel can tell the rows moved under it. */
  #version = 0;
  readonly #now: () => number;

  /** `now` must be the clock writers stamp vectors with (tests pass their own, with repeated values). */
  constructor(model: string, dims: number, now: () => number = Date.now) {
    this.model = model;
    this.dims = dims;
    this.#now = now;
    this.#columns = new Int8Columns(dims);
  }

  get size(): number {
    return this.#seqs.length;
  }

  /** Brings the index up to date with the store; returns true when it changed. */
  sync(store: VectorStore): boolean {
    const started = this.#now();
    if (!this.#loaded) return this.#reload(store, started);
    const keys = store.keys(this.model, this.dims);
    const n = this.#seqs.length;
    const kept = new Uint8Array(n);
    const reread = new Set(this.#recent);
    const fetch: number[] = [];
    const recent: number[] = [];
    let again = 0;
    const [rowOf, seqs, createdAt] = [this.#rowOf, this.#seqs, this.#created];
    for (const [rowid, seq, created] of keys) {
      const row = rowOf.get(rowid);
      if (row === undefined || seqs[row] !== seq || createdAt[row] !== created) fetch.push(rowid);
      else if (reread.size > 0 && reread.has(rowid)) {
        fetch.push(rowid);
        again++;
      } else {
        kept[row] = 1;
        if (created >= started) recent.push(rowid);
      }
    }
    const drop: number[] = [];
    for (let row = n - 1; row >= 0; row--) if (kept[row] === 0) drop.push(row);
    // Rows read again only for being recent do not count: a catch-up batch is often all recent.
    const changes = fetch.length + drop.length - 2 * again;
    if (changes > Math.max(RELOAD_MIN, n * RELOAD_SHARE)) return this.#reload(store, started);
    this.#recent = recent;
    if (fetch.length === 0 && drop.length === 0) return false;
    this.#version++;
    // Callers may still hold the previous seqs with a ranking; they keep their own copy.
    this.#seqs = this.#seqs.slice();
    for (const row of drop) this.#remove(row); // descending, so a row moved into a hole is never dropped later
    for (const v of store.readRows(this.model, this.dims, fetch)) this.#append(v, started);
    return true;
  }

  /** Cosine similarity (vectors are unit length) of every stored vector with `query`. */
  scores(query: Float32Array): { seqs: number[]; scores: Float32Array } {
    this.#check(query);
    const n = this.#seqs.length;
    const out = new Float32Array(n);
    for (let r = 0; r < n; r++) out[r] = dotRow(this.#matrix, r, this.dims, query);
    return { seqs: this.#seqs, scores: out };
  }

  /**
   * The `want` best rows by exact cosine, best first, equal scores by seq (more when the kernel certifies
   * more; all rows when fewer exist). With a kernel, only a few hundred rows are scored in float; the
   * result is the same.
   */
  async rank(query: Float32Array, want: number, kernel?: TopKKernel): Promise<Ranking & { seqs: number[] }> {
    this.#check(query);
    for (;;) {
      const n = this.#seqs.length;
      const seqs = this.#seqs;
      if (!kernel || want >= n) return { ...rankScores(this.scores(query).scores, want, seqs), seqs };
      if (!this.#columnsBuilt) {
        this.#columns.build(this.#matrix, n);
        this.#columnsBuilt = true;
      }
      const version = this.#version;
      const matrix = this.#matrix;
      const ranking = await rankWithKernel(kernel, this.#columns, (row) => dotRow(matrix, row, this.dims, query), n, query, want, seqs);
      // Another search may have synced the index while the kernel ran; then rank again on the new rows.
      if (version === this.#version) return { ...ranking, seqs };
    }
  }

  #check(query: Float32Array): void {
    if (query.length !== this.dims) throw new Error(`query has ${query.length} dims, index ${this.model} has ${this.dims}`);
  }

  #reload(store: VectorStore, started: number): boolean {
    this.#version++;
    this.#matrix = new Float32Array(0);
    this.#seqs = [];
    this.#rowids = [];
    this.#created = [];
    this.#rowOf.clear();
    this.#recent = [];
    this.#columns.clear();
    this.#columnsBuilt = false;
    for (const v of store.read(this.model, this.dims)) this.#append(v, started);
    this.#loaded = true;
    return true;
  }

  #append(v: StoredVector, started: number): void {
    const row = this.#seqs.length;
    if ((row + 1) * this.dims > this.#matrix.length) {
      const grown = new Float32Array(Math.max(64, row * 2) * this.dims);
      grown.set(this.#matrix);
      this.#matrix = grown;
    }
    this.#matrix.set(v.vector, row * this.dims);
    if (this.#columnsBuilt) this.#columns.set(row, v.vector);
    this.#seqs.push(v.seq);
    this.#rowids.push(v.rowid);
    this.#created.push(v.createdAt);
    this.#rowOf.set(v.rowid, row);
    if (v.createdAt >= started) this.#recent.push(v.rowid);
  }

  /** Deletes `row` by moving the last row into its place (O(dims), where a reload is O(n · dims)). */
  #remove(row: number): void {
    const last = this.#seqs.length - 1;
    this.#rowOf.delete(this.#rowids[row]!);
    if (row !== last) {
      const { dims } = this;
      this.#matrix.copyWithin(row * dims, last * dims, (last + 1) * dims);
      this.#seqs[row] = this.#seqs[last]!;
      this.#rowids[row] = this.#rowids[last]!;
      this.#created[row] = this.#created[last]!;
      this.#rowOf.set(this.#rowids[row]!, row);
    }
    if (this.#columnsBuilt) this.#columns.move(last, row);
    this.#seqs.pop();
    this.#rowids.pop();
    this.#created.pop();
  }
}
