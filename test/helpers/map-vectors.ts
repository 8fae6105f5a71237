/** @module A vector store over a map, with the vectors table's change log, for the vector index tests. */
import type { StoredVector, VectorLogState } from "../../src/store/vector-store.ts";

/**
 * What the index reads, over a map, with the vectors table's change log: every write or delete appends its
 * memory's seq under a fresh random stamp; the log can be pruned, and the database replaced (a new epoch, or
 * the same ids under other stamps).
 */
export class MapVectors {
  readonly rows = new Map<number, { vector: Float32Array; createdAt: number }>();
  entries: Array<{ id: number; seq: number; stamp: number }> = [];
  epoch = 1;
  pruned = 0;
  #next = 1;
  clock = 1;
  /** Whether each write advances the clock; with false, writes share a millisecond. */
  tick = true;
  /** Seqs read back by readSeqs, for tests that count what a sync reads. */
  readBack = 0;

  get size(): number {
    return this.rows.size;
  }

  #logged(seq: number): void {
    this.entries.push({ id: this.#next++, seq, stamp: 1 + Math.floor(Math.random() * 2 ** 40) });
  }

  /** INSERT OR REPLACE. */
  put(seq: number, vector: Float32Array): void {
    this.rows.set(seq, { vector, createdAt: this.tick ? this.clock++ : this.clock });
    this.#logged(seq);
  }

  delete(seq: number): void {
    if (this.rows.delete(seq)) this.#logged(seq);
  }

  clear(): void {
    for (const seq of [...this.rows.keys()]) this.delete(seq);
  }

  /** Deletes the entries before `id` (a published index file, or the log's own pruning). */
  prune(id: number): void {
    this.entries = this.entries.filter((e) => e.id >= id);
    this.pruned = Math.max(this.pruned, id);
  }

  vectorOf(seq: number): Float32Array {
    return this.rows.get(seq)!.vector;
  }

  seqs(): number[] {
    return [...this.rows.keys()];
  }

  read(): StoredVector[] {
    return [...this.rows].map(([seq, r]) => ({ seq, ...r }));
  }

  logState(): VectorLogState {
    const last = this.entries.at(-1);
    return { epoch: this.epoch, head: last?.id ?? 0, stamp: last?.stamp ?? 0, pruned: this.pruned, erase: 0 };
  }

  changedSince(after: number, stamp: number, limit: number): number[] | null {
    const at = this.entries.find((e) => e.id === after);
    if (after > 0 && stamp !== 0 && at?.stamp !== stamp) return null;
    const seqs = [...new Set(this.entries.filter((e) => e.id > after).map((e) => e.seq))];
    return seqs.length > limit ? null : seqs;
  }

  readSeqs(_model: string, _dims: number, seqs: readonly number[]): StoredVector[] {
    this.readBack += seqs.length;
    return seqs.filter((seq) => this.rows.has(seq)).map((seq) => ({ seq, ...this.rows.get(seq)! }));
  }
}
