/**
 * @module An in-memory matrix of one model's vectors for exact cosine search, kept in step with the
 * database incrementally: a cheap fingerprint (count, sums, newest time) says whether anything changed; new
 * vectors are appended by time watermark, and any other difference triggers a full reload. Large matrices
 * also keep an int8 copy for the top-k kernel (see vector-rank.ts); small ones are scored in JS.
 */
import type { VectorState, VectorStore } from "../store/vector-store.ts";
import type { TopKKernel } from "./vector-kernel.ts";
import { Int8Columns } from "./vector-quant.ts";
import { dotRow, type Ranking, rankScores, rankWithKernel } from "./vector-rank.ts";

export class VectorIndex {
  readonly model: string;
  readonly dims: number;
  #matrix = new Float32Array(0);
  #seqs: number[] = [];
  readonly #row = new Map<number, number>();
  #state: VectorState | null = null;
  #seqSum = 0;
  #createdSum = 0;
  readonly #createdOf = new Map<number, number>();
  /** Built on the first kernel search, then updated with every vector put; dropped on a full reload. */
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
    const state = store.state(this.model);
    const s = this.#state;
    if (s && s.count === state.count && s.dimsSum === state.dimsSum && s.seqSum === state.seqSum && s.createdSum === state.createdSum && s.maxCreatedAt === state.maxCreatedAt) {
      return false;
    }
    if (s) {
      for (const v of store.read(this.model, this.dims, s.maxCreatedAt)) this.#put(v.seq, v.vector, v.createdAt);
      if (this.#matches(state)) {
        this.#state = state;
        return true;
      }
    }
    this.#reset();
    for (const v of store.read(this.model, this.dims)) this.#put(v.seq, v.vector, v.createdAt);
    // Vectors of another width under the same model id are never loaded, so the counts may differ then.
    this.#state = state;
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
   * The `want` best rows by exact cosine, best first (more when the kernel certifies more; all rows when
   * fewer exist). With a kernel, only a few hundred rows are scored in float; the result is the same.
   */
  async rank(query: Float32Array, want: number, kernel?: TopKKernel): Promise<Ranking & { seqs: number[] }> {
    this.#check(query);
    for (;;) {
      const n = this.#seqs.length;
      const seqs = this.#seqs;
      if (!kernel || want >= n) return { ...rankScores(this.scores(query).scores, want), seqs };
      if (!this.#columnsBuilt) {
        this.#columns.build(this.#matrix, n);
        this.#columnsBuilt = true;
      }
      const version = this.#version;
      const matrix = this.#matrix;
      const ranking = await rankWithKernel(kernel, this.#columns, (row) => dotRow(matrix, row, this.dims, query), n, query, want);
      // Another search may have synced the index while the kernel ran; then rank again on the new rows.
      if (version === this.#version) return { ...ranking, seqs };
    }
  }

  #check(query: Float32Array): void {
    if (query.length !== this.dims) throw new Error(`query has ${query.length} dims, index ${this.model} has ${this.dims}`);
  }

  #matches(state: VectorState): boolean {
    return (
      this.#seqs.length === state.count &&
      this.#seqs.length * this.dims === state.dimsSum &&
      this.#seqSum === state.seqSum &&
      this.#createdSum === state.createdSum
    );
  }

  #reset(): void {
    this.#version++;
    this.#matrix = new Float32Array(0);
    this.#seqs = [];
    this.#row.clear();
    this.#createdOf.clear();
    this.#seqSum = 0;
    this.#createdSum = 0;
    this.#columns.clear();
    this.#columnsBuilt = false;
  }

  #put(seq: number, vector: Float32Array, createdAt: number): void {
    this.#version++;
    const existing = this.#row.get(seq);
    if (existing !== undefined) {
      this.#matrix.set(vector, existing * this.dims);
      if (this.#columnsBuilt) this.#columns.set(existing, vector);
      this.#createdSum += createdAt - this.#createdOf.get(seq)!;
      this.#createdOf.set(seq, createdAt);
      return;
    }
    const row = this.#seqs.length;
    if ((row + 1) * this.dims > this.#matrix.length) {
      const grown = new Float32Array(Math.max(64, row * 2) * this.dims);
      grown.set(this.#matrix);
      this.#matrix = grown;
    }
    this.#matrix.set(vector, row * this.dims);
    if (this.#columnsBuilt) this.#columns.set(row, vector);
    this.#seqs.push(seq);
    this.#row.set(seq, row);
    this.#createdOf.set(seq, createdAt);
    this.#seqSum += seq;
    this.#createdSum += createdAt;
  }
}
