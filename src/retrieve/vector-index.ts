/**
 * @module An in-memory matrix of one model's vectors for exact cosine search, kept in step with the
 * database incrementally, whoever wrote to it: each sync reads the vector change log (vector-log.ts) from
 * where the last one stopped, drops the rows of the memories it names (moving the last row into each hole)
 * and reads their current vectors; a log it cannot follow (another database, pruned past its place, another
 * history) or a large share of changes reloads everything. Large matrices also keep an int8 copy for the
 * top-k kernel (see vector-rank.ts), updated the same way. Each row's project is kept as a code, so a search
 * in one project of eight ranks that project's rows (and the global ones), not all of them.
 */
import type { ProjectScope } from "../store/filter-sql.ts";
import { sameEntry } from "../store/log-mark.ts";
import { LastScope, ProjectCoder, UNKNOWN_PROJECT } from "../store/project-codes.ts";
import type { StoredVector, VectorLogState, VectorStore } from "../store/vector-store.ts";
import type { TopKKernel } from "../embed/vector-kernel.ts";
import { Int8Columns } from "./vector-quant.ts";
import { dotRow, type KernelScope, type Ranking, rankScores, rankWithKernel } from "./vector-rank.ts";

/** Changes beyond this share of the rows reload everything: one bulk read beats that many lookups. */
const RELOAD_SHARE = 0.25;
/** Up to this many changes are applied one by one whatever the size: each costs microseconds. */
const RELOAD_MIN = 64;

/** A scope's rows (`keep`: 1 per row kept), and, once a kernel search asked, the kernel's bias for them. */
interface ScopedRows {
  rows: number[];
  keep: Uint8Array;
  kernel?: KernelScope;
}

export class VectorIndex {
  readonly model: string;
  readonly dims: number;
  #matrix = new Float32Array(0);
  /** Per row: the memory's seq (handed to callers with each ranking; replaced, never mutated, on change). */
  #seqs: number[] = [];
  /** Per row: its project's code (project-codes.ts); codes stay for the index's life. */
  #codes = new Uint8Array(0);
  readonly #coder = new ProjectCoder();
  /** The rows the last scope searched keeps, at the index's version then (a new project comes with a change). */
  readonly #lastScope = new LastScope<ScopedRows>();
  readonly #rowOf = new Map<number, number>();
  /** Where the rows stand in the change log: null until loaded. */
  #log: VectorLogState | null = null;
  /** Built on the first kernel search, then updated with every change; dropped on a full reload. */
  readonly #columns: Int8Columns;
  #columnsBuilt = false;
  /** Bumped by every change, so a ranking that awaited the kernel can tell the rows moved under it. */
  #version = 0;

  constructor(model: string, dims: number) {
    this.model = model;
    this.dims = dims;
    this.#columns = new Int8Columns(dims);
  }

  get size(): number {
    return this.#seqs.length;
  }

  /** Brings the index up to date with the store; returns true when it changed. */
  sync(store: VectorStore): boolean {
    const at = this.#log;
    // Read first: a write after it is read again by the next sync (applying a change twice changes nothing).
    const log = store.logState();
    if (!at || log.epoch !== at.epoch || log.pruned > at.head || log.head < at.head) return this.#reload(store, log);
    // Same place in the log: unchanged, unless the entry there is another (the database was replaced).
    if (log.head === at.head) return sameEntry(at.stamp, log.stamp) ? false : this.#reload(store, log);
    const changed = store.changedSince(at.head, at.stamp, Math.max(RELOAD_MIN, Math.floor(this.#seqs.length * RELOAD_SHARE)));
    if (changed === null) return this.#reload(store, log);
    this.#log = log;
    if (changed.length === 0) return false;
    this.#version++;
    // Callers may still hold the previous seqs with a ranking; they keep their own copy.
    this.#seqs = this.#seqs.slice();
    const drop = changed.flatMap((seq) => this.#rowOf.get(seq) ?? []).sort((a, b) => b - a);
    for (const row of drop) this.#remove(row); // descending, so a row moved into a hole is never dropped later
    for (const v of store.readSeqs(this.model, this.dims, changed)) this.#append(v);
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
   * more; all rows when fewer exist), of the rows in `scope` (stored project keys) when given. With a
   * kernel, only a few hundred rows are scored in float; the result is the same.
   */
  async rank(query: Float32Array, want: number, kernel?: TopKKernel, scope?: ProjectScope): Promise<Ranking & { seqs: number[] }> {
    this.#check(query);
    for (;;) {
      const n = this.#seqs.length;
      const seqs = this.#seqs;
      const kept = this.#scoped(scope);
      if (!kernel || want >= (kept?.rows.length ?? n)) return { ...this.#rankAll(query, want, kept?.rows), seqs };
      if (!this.#columnsBuilt) {
        this.#columns.build(this.#matrix, n);
        this.#columnsBuilt = true;
      }
      if (kept) kept.kernel ??= { bias: this.#columns.biasKeeping(kept.keep), count: kept.rows.length };
      const version = this.#version;
      const matrix = this.#matrix;
      const ranking = await rankWithKernel(kernel, this.#columns, (row) => dotRow(matrix, row, this.dims, query), n, query, want, seqs, kept?.kernel);
      // Another search may have synced the index while the kernel ran; then rank again on the new rows.
      if (version === this.#version) return { ...ranking, seqs };
    }
  }

  /** Exact scores of every row, or of `rows` only, ranked. */
  #rankAll(query: Float32Array, want: number, rows?: number[]): Ranking {
    if (!rows) return rankScores(this.scores(query).scores, want, this.#seqs);
    const scores = new Float32Array(rows.length);
    for (let i = 0; i < rows.length; i++) scores[i] = dotRow(this.#matrix, rows[i]!, this.dims, query);
    const ranked = rankScores(scores, want, Uint32Array.from(rows, (r) => this.#seqs[r]!));
    return { ...ranked, rows: ranked.rows.map((i) => rows[i]!) };
  }

  /** The rows `scope` keeps, made again only for another scope or after a change; undefined when it keeps all. */
  #scoped(scope: ProjectScope | undefined): ScopedRows | undefined {
    return this.#lastScope.of(scope, this.#coder.names, (accept) => {
      const keep = new Uint8Array(this.#seqs.length);
      const rows: number[] = [];
      for (let r = 0; r < keep.length; r++) {
        if (!accept[this.#codes[r]!]) continue;
        keep[r] = 1;
        rows.push(r);
      }
      return { rows, keep };
    }, String(this.#version));
  }

  #check(query: Float32Array): void {
    if (query.length !== this.dims) throw new Error(`query has ${query.length} dims, index ${this.model} has ${this.dims}`);
  }

  #reload(store: VectorStore, log: VectorLogState): boolean {
    this.#version++;
    this.#matrix = new Float32Array(0);
    this.#codes = new Uint8Array(0);
    this.#seqs = [];
    this.#rowOf.clear();
    this.#columns.clear();
    this.#columnsBuilt = false;
    for (const v of store.read(this.model, this.dims)) this.#append(v);
    this.#log = log;
    return true;
  }

  #append(v: StoredVector): void {
    const row = this.#seqs.length;
    if ((row + 1) * this.dims > this.#matrix.length) {
      const grown = new Float32Array(Math.max(64, row * 2) * this.dims);
      grown.set(this.#matrix);
      this.#matrix = grown;
      const codes = new Uint8Array(grown.length / this.dims);
      codes.set(this.#codes);
      this.#codes = codes;
    }
    this.#codes[row] = v.project === undefined ? UNKNOWN_PROJECT : this.#coder.code(v.project);
    this.#matrix.set(v.vector, row * this.dims);
    if (this.#columnsBuilt) this.#columns.set(row, v.vector);
    this.#seqs.push(v.seq);
    this.#rowOf.set(v.seq, row);
  }

  /** Deletes `row` by moving the last row into its place (O(dims), where a reload is O(n · dims)). */
  #remove(row: number): void {
    const last = this.#seqs.length - 1;
    this.#rowOf.delete(this.#seqs[row]!);
    if (row !== last) {
      const { dims } = this;
      this.#matrix.copyWithin(row * dims, last * dims, (last + 1) * dims);
      this.#seqs[row] = this.#seqs[last]!;
      this.#codes[row] = this.#codes[last]!;
      this.#rowOf.set(this.#seqs[row]!, row);
    }
    if (this.#columnsBuilt) this.#columns.move(last, row);
    this.#seqs.pop();
  }
}
