/** @module The vector part of the storage port: per-model embeddings keyed by a memory's internal seq. */
import type { Memory, MemoryFilter } from "../domain/memory.ts";

/** A memory whose text still needs a vector for some model. */
export interface PendingText {
  seq: number;
  /** Written back with the vector: a vector is stored only if the text has not changed meanwhile. */
  contentHash: string;
  content: string;
}

export interface StoredVector {
  seq: number;
  vector: Float32Array;
  createdAt: number;
}

/** A cheap fingerprint of one model's vectors: any insert, delete or replacement changes it. */
export interface VectorState {
  count: number;
  /** Sum of widths: differs from count × dims when vectors of another width sit under the same model id. */
  dimsSum: number;
  seqSum: number;
  createdSum: number;
  maxCreatedAt: number;
}

export interface VectorStore {
  /** Memories (any status) without a vector for `model`, newest first. */
  pending(model: string, limit: number): PendingText[];
  pendingCount(model: string): number;
  /** Stores vectors (all of length `dims`); returns how many were written (texts changed meanwhile are skipped). */
  put(model: string, dims: number, rows: ReadonlyArray<{ seq: number; contentHash: string; vector: Float32Array }>, now: number): number;
  state(model: string): VectorState;
  /** Vectors of `model` with exactly `dims` dimensions, created at or after `since`. */
  read(model: string, dims: number, since?: number): StoredVector[];
  /** Vector counts per model and width. */
  models(): Array<{ model: string; dims: number; count: number }>;
  deleteModel(model: string): number;
  /**
   * Changes whenever memories or vectors were written, by this connection or another process; equal
   * tokens mean a search may reuse what it loaded last time.
   */
  changeToken(): string;
  /** The memories among `seqs` that pass `filter`. */
  memoriesBySeq(seqs: readonly number[], filter: MemoryFilter, now: number): Map<number, Memory>;
}
