/**
 * @module Dense ranking read straight from the database, one packed row at a time, for a process that has no
 * usable index file (none yet, of an earlier format, or removed by a purge until it is written again) and a
 * store too large to load. Loading every vector took a one-shot recall at 1M memories 45 s and 8 GB; a scan
 * holds one row at a time plus a score and a seq per vector (8 bytes each), and scores each row exactly as
 * every other path does (the dequantised vector's vector-rank.ts dotRow). The scores of one query are kept,
 * so a deeper ranking of it (filters rejected the best rows) reads nothing again.
 */
import type { VectorStore } from "../store/vector-store.ts";
import { dotPacked, rankScores, type Ranking } from "./vector-rank.ts";

export class VectorScan {
  readonly model: string;
  readonly dims: number;
  /** Vectors in the store when the scan was made (the kept count; the scan itself reads what is there). */
  readonly size: number;
  readonly #store: VectorStore;
  #query: Float32Array | null = null;
  #seqs = new Uint32Array(0);
  #scores = new Float32Array(0);
  #n = 0;

  constructor(store: VectorStore, model: string, dims: number) {
    this.#store = store;
    this.model = model;
    this.dims = dims;
    this.size = store.count(model);
  }

  /** The best `want` vectors for `query`, best first, ties by seq, with exact scores. */
  rank(query: Float32Array, want: number): Ranking & { seqs: ArrayLike<number> } {
    if (query.length !== this.dims) throw new Error(`query has ${query.length} dims, the scan ${this.dims}`);
    if (this.#query !== query) this.#scan(query);
    const scores = this.#scores.subarray(0, this.#n);
    // Rows come in seq order, so ties broken by row are ties broken by seq, as the index file breaks them.
    return { ...rankScores(scores, want), seqs: this.#seqs.subarray(0, this.#n) };
  }

  #scan(query: Float32Array): void {
    const { dims } = this;
    let n = 0;
    this.#grow(this.size);
    const row = new Float32Array(dims);
    this.#store.scanPacked(this.model, dims, (seq, packed) => {
      if (n === this.#seqs.length) this.#grow(n * 2 + 1024);
      this.#scores[n] = dotPacked(packed, 0, dims, query, row);
      this.#seqs[n] = seq;
      n++;
    });
    this.#n = n;
    this.#query = query;
  }

  #grow(to: number): void {
    if (to <= this.#seqs.length) return;
    const seqs = new Uint32Array(to);
    seqs.set(this.#seqs);
    const scores = new Float32Array(to);
    scores.set(this.#scores);
    this.#seqs = seqs;
    this.#scores = scores;
  }
}
