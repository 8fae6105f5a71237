/** @module The vector part of the storage port: per-model embeddings keyed by a memory's internal seq. */
import type { ProjectScope } from "./filter-sql.ts";
import type { ContentCodec } from "./content-codec.ts";
import type { CountDrift } from "./row-counts.ts";
import type { Memory, MemoryFilter } from "../domain/memory.ts";

/** A memory whose text still needs a vector for some model. */
/** Where a walk over memories without a vector stands: in the active ones or the rest, past this seq. */
export interface PendingCursor {
  active: boolean;
  /** The bound the walk goes on from, not included: below it walking down (newest first), above it walking up. */
  past: number;
  /** Walks up, oldest first (a bulk run: see embed-pending.ts); down otherwise. */
  up?: boolean;
}

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
  /**
   * The memory's project as stored (null: global; an encrypted store's key is sealed), where the read joined
   * it: an in-memory index leaves other projects out by it. A move to another project is in the change log.
   */
  project?: string | null;
}

export interface VectorLogState {
  /** Random per database: an index file with another epoch belongs to another database. */
  epoch: number;
  /** The last log id written (0 when none). */
  head: number;
  /** Entry `head`'s stamp (log-mark.ts; 0 when there is none). */
  stamp: number;
  /** Log ids before this one were deleted (the entry at it is kept, for its stamp): a file older than it cannot catch up. */
  pruned: number;
  /** Counts purges: bytes read before it moved may hold a purged memory's vector. */
  erase: number;
}

/** Every vector of a model, packed (vector-codec.ts) in one buffer, read in one snapshot with the log state. */
export interface PackedSnapshot {
  state: VectorLogState;
  seqs: Uint32Array;
  /** count × packedBytes(dims) bytes: the packed 4-bit values then the float32 scale, per row. */
  packed: Uint8Array;
  /** Per row, its memory's project as a code (project-codes.ts): 0 global, i + 1 for names[i]. */
  codes: Uint8Array;
  /** The stored project keys the codes stand for. */
  names: string[];
}

export interface VectorStore {
  /** True when vectors are encrypted at rest (so is their index file: sealed-vector-file.ts). */
  readonly sealed: boolean;
  /** How values, and the index file, are stored: what seals and opens them in an encrypted store. */
  readonly codec: ContentCodec;
  /**
   * Up to `limit` memories lacking a vector of `model`, active ones first, newest first, continuing after
   * `from` (what the previous call returned as `next`); `next` is null when nothing further is missing.
   * Each call costs about its batch, not the store: a run over N memories reads each row once.
   */
  pending(model: string, limit: number, from?: PendingCursor): { rows: PendingText[]; next: PendingCursor | null };
  /** How many memories (any status) lack a vector for `model`: two kept counts, not a count of the tables. */
  pendingCount(model: string): number;
  /**
   * Compares the kept counts pendingCount reads (row-counts.ts) with the tables, O(store), and puts drifted
   * ones right when the store takes writes (`fixed`). For doctor.
   */
  recount(): { drift: CountDrift[]; orphans: number; fixed: boolean };
  /** Vectors of `model` (any width): a kept count, not a count of the table. */
  count(model: string): number;
  /**
   * Calls `each` with every vector of `model` and `dims`, by seq, packed (vector-codec.ts: 4-bit values then
   * the scale; earlier layouts re-packed), one row at a time: constant memory whatever the store's size.
   * `packed` is valid only during the call.
   */
  scanPacked(model: string, dims: number, each: (seq: number, packed: Uint8Array) => void): void;
  /** Whether any memory has a vector of `model` (the kept counts: row-counts.ts). */
  hasAny(model: string): boolean;
  /** Stores vectors (all of length `dims`); returns how many were written (texts changed meanwhile are skipped). */
  put(model: string, dims: number, rows: ReadonlyArray<{ seq: number; contentHash: string; vector: Float32Array }>, now: number): number;
  /** Vectors of `model` with exactly `dims` dimensions. */
  read(model: string, dims: number): StoredVector[];
  /** The change log's state (one small read). */
  logState(): VectorLogState;
  /**
   * The distinct memory seqs whose vectors were written or deleted after log id `after`; null past `limit`, or
   * when entry `after` no longer holds `stamp` (another history: log-mark.ts).
   */
  changedSince(after: number, stamp: number, limit: number): number[] | null;
  /** The current vectors of `model` (`dims` wide) of those memories that have one. */
  readSeqs(model: string, dims: number, seqs: readonly number[]): StoredVector[];
  /**
   * Calls `each` with the current vector of `model` (`dims` wide) of each of those memories that has one, packed
   * (vector-codec.ts), as scanPacked does: nothing is allocated per row. `packed` is valid only during the call.
   */
  packedSeqs(model: string, dims: number, seqs: readonly number[], each: (seq: number, packed: Uint8Array) => void): void;
  /** The vectors of `model` (`dims` wide) of those memories among `ids` (public ids) that have one, by id. */
  ofMemories(model: string, dims: number, ids: readonly string[]): Map<string, Float32Array>;
  /** Every vector of `model`, packed, with the log state they reflect (one read transaction). */
  snapshot(model: string, dims: number): PackedSnapshot;
  /**
   * Runs `publish` (a rename) inside a write transaction if no purge happened since `erase` was read and no
   * file newer than log id `prune` was published meanwhile, then
   * drops the log entries before `prune` (entry `prune` stays: a reader checks its stamp); returns whether it ran. A purge either committed before (then the
   * bytes may hold its vector: not published) or waits for this and removes the file after.
   */
  publishIndex(erase: number, prune: number, publish: () => void): boolean;
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
  /** The projects `filter` passes, in their stored form (what the index file's project codes stand for). */
  projectScope(filter: MemoryFilter): ProjectScope;
}
