/** @module The SQLite implementation of {@link VectorStore}: packed 4-bit + scale BLOBs (vector-codec.ts) in the `vectors` table. */
import type { Database } from "bun:sqlite";
import type { Memory, MemoryFilter } from "../domain/memory.ts";
import { type ContentCodec, PLAIN_CODEC, place } from "./content-codec.ts";
import { checkedWrite, ReadKeyCheck } from "./checked-write.ts";
import type { LiveDatabase } from "./live-db.ts";
import { filterToSql, type ProjectScope, projectScopeOf, rowsBySeq } from "./filter-sql.ts";
import { indexFileState } from "./index-file-io.ts";
import { logHead, stillLogged } from "./log-mark.ts";
import { decodeContent, rowToMemory } from "./rows.ts";
import { type CountDrift, countDrift, fixCounts, pendingByCounts, vectorsByCounts } from "./row-counts.ts";
import { ProjectCoder } from "./project-codes.ts";
import { packedBytes, packVector, repacked, unpackVector } from "./vector-codec.ts";
import { hashText, type StoredHash, storedHash } from "./stored-hash.ts";
import type { PackedSnapshot, PendingCursor, PendingText, StoredVector, VectorLogState, VectorStore } from "./vector-store.ts";

type VectorRow = { seq: number; vector: Uint8Array; createdAt: number; project?: string | null };

/** Where a vector is stored, bound into its ciphertext in an encrypted store. */
export function vectorPlace(model: string, seq: number): string {
  return place("vectors", model, seq);
}

/** A stored blob's packed bytes (decrypted in an encrypted store): the one decode of vector bytes. */
function blobBytes(blob: Uint8Array, codec: ContentCodec, model: string, seq: number): Uint8Array {
  return codec.encrypted ? codec.decodeBytes(blob, vectorPlace(model, seq), `the vector of memory #${seq}`) : blob;
}

/**
 * A blob in today's packed layout (vector-codec.ts): decoded, an earlier layout (a store recoded after migration
 * 17) packed anew; null for a damaged one, which is skipped, never misread.
 */
function packedOf(blob: Uint8Array, codec: ContentCodec, model: string, seq: number, dims: number): Uint8Array | null {
  return repacked(blobBytes(blob, codec, model, seq), dims);
}

/** A copy of `a` with room for `length` values. */
function grown<T extends Uint8Array | Uint32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

/** The rows whose blob decodes to `dims` values (a blob of another length is skipped, never misread). */
function toStored(rows: VectorRow[], dims: number, codec: ContentCodec, model: string): StoredVector[] {
  const out: StoredVector[] = [];
  for (const r of rows) {
    const vector = unpackVector(blobBytes(r.vector, codec, model, r.seq), dims);
    if (vector) out.push({ seq: r.seq, createdAt: r.createdAt, vector, ...(r.project !== undefined ? { project: r.project } : {}) });
  }
  return out;
}

/** A vector row `v` whose memory is gone. */
const ORPHAN = "NOT EXISTS (SELECT 1 FROM memories m WHERE m.seq = v.memory_seq)";

export class SqliteVectors implements VectorStore {
  get sealed(): boolean {
    return this.#codec.encrypted;
  }

  get codec(): ContentCodec {
    return this.#codec;
  }

  readonly #live: LiveDatabase;
  /** Rows this connection changed only to record access counts; the change token leaves them out. */
  readonly accessChanges = { n: 0 };
  #generation = 0;

  readonly #codec: ContentCodec;
  /** The store's own key check of reads (one per connection: checked once per change, whichever table reads). */
  readonly #reads: ReadKeyCheck;

  constructor(live: LiveDatabase, codec: ContentCodec = PLAIN_CODEC, reads: ReadKeyCheck = new ReadKeyCheck()) {
    this.#live = live;
    this.#codec = codec;
    this.#reads = reads;
  }

  /**
   * The connection for a read (checked against the file outside transactions, and the key: a process opened before
   * `cairn encrypt` must not read sealed text as plain, nor write vectors of it unsealed, QA: the embedding worker).
   */
  get #db(): Database {
    const db = this.#reads.connection(this.#live, this.#codec.keyCheck);
    if (this.#live.generation !== this.#generation) {
      // A reopened connection counts its own changes from zero.
      this.#generation = this.#live.generation;
      this.accessChanges.n = 0;
    }
    return db;
  }

  pending(model: string, limit: number, from: PendingCursor = { active: true, past: Number.MAX_SAFE_INTEGER }): { rows: PendingText[]; next: PendingCursor | null } {
    const pending = this.pendingCount(model);
    if (pending <= 0) return { rows: [], next: null };
    const up = from.up === true;
    // Walking the primary key from the cursor stops after `limit` hits: a batch costs about its own size, where
    // sorting every memory without a vector cost ~50 ms per batch at 100k (~0.5 s at 1M). It also stops once it
    // found as many as the counts say lack a vector: a server's walk for the one memory just remembered went on
    // through every other memory to fill its batch (~1 s after each remember at 1M).
    const walk = (active: boolean, past: number, n: number) =>
      (this.#db
        .query(
          `SELECT m.seq, m.id, m.content_hash, m.content FROM memories m
           WHERE m.seq ${up ? ">" : "<"} ?1 AND ${active ? "m.status = 'active'" : "m.status != 'active'"}
             AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.memory_seq = m.seq AND v.model = ?2)
           ORDER BY m.seq ${up ? "ASC" : "DESC"} LIMIT ?3`,
        )
        .all(past, model, n) as Array<{ seq: number; id: string; content_hash: StoredHash; content: string }>).map((r) => ({
        seq: r.seq,
        // As stored (a keyed hash in an encrypted store): put() checks the row still holds this text.
        contentHash: hashText(r.content_hash)!,
        content: decodeContent(this.#codec, r.id, r.content),
      }));
    const want = Math.min(limit, pending);
    const first = walk(from.active, from.past, want);
    if (first.length === limit) return { rows: first, next: { active: from.active, past: first.at(-1)!.seq, up } };
    if (!from.active || first.length === pending) return { rows: first, next: null };
    // Active memories are done: archived and superseded ones (recalled with a status filter) come next.
    const need = want - first.length;
    const rest = walk(false, up ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER, need);
    return { rows: [...first, ...rest], next: rest.length === need ? { active: false, past: rest.at(-1)!.seq, up } : null };
  }

  hasAny(model: string): boolean {
    return vectorsByCounts(this.#db, model) > 0;
  }

  pendingCount(model: string): number {
    // Kept by triggers (row-counts.ts): two rows read instead of two indexes counted.
    return pendingByCounts(this.#db, model);
  }

  count(model: string): number {
    return vectorsByCounts(this.#db, model);
  }

  scanPacked(model: string, dims: number, each: (seq: number, packed: Uint8Array) => void): void {
    // One row at a time (iterate, not all): a scan of 1M vectors holds one blob, not 260 MB of them.
    const rows = this.#db.query("SELECT memory_seq AS seq, vector FROM vectors WHERE model = ? AND dims = ? ORDER BY memory_seq").iterate(model, dims) as Iterable<{ seq: number; vector: Uint8Array }>;
    for (const r of rows) {
      const packed = packedOf(r.vector, this.#codec, model, r.seq, dims);
      if (packed) each(r.seq, packed);
    }
  }

  recount(): { drift: CountDrift[]; orphans: number; fixed: boolean } {
    // A vector whose memory is gone: the row deleted with foreign keys off (not by cairn). It counted as a
    // vector, so `doctor` said "-1 memories have no vector" (QA).
    const orphans = () => (this.#db.query(`SELECT count(*) AS n FROM vectors v WHERE ${ORPHAN}`).get() as { n: number }).n;
    if (countDrift(this.#db).length === 0 && orphans() === 0) return { drift: [], orphans: 0, fixed: false };
    try {
      // Counted again inside the transaction: a writer may have moved the tables meanwhile.
      return checkedWrite(this.#live, this.#codec.keyCheck, () => {
        const dropped = this.#db.query(`DELETE FROM vectors AS v WHERE ${ORPHAN}`).run().changes;
        const found = countDrift(this.#db);
        fixCounts(this.#db, found);
        return { drift: found, orphans: dropped, fixed: true };
      });
    } catch {
      return { drift: countDrift(this.#db), orphans: orphans(), fixed: false }; // read-only, full or damaged: reported, not fixed
    }
  }

  put(model: string, dims: number, rows: ReadonlyArray<{ seq: number; contentHash: string; vector: Float32Array }>, now: number): number {
    for (const r of rows) if (r.vector.length !== dims) throw new Error(`vector for seq ${r.seq} has ${r.vector.length} dims, expected ${dims}`);
    return checkedWrite(this.#live, this.#codec.keyCheck, () => {
      const stmt = this.#db.query(
        `INSERT OR REPLACE INTO vectors (memory_seq, model, dims, vector, created_at)
         SELECT seq, ?, ?, ?, ? FROM memories WHERE seq = ? AND content_hash = ?`,
      );
      let written = 0;
      for (const r of rows) {
        const packed = packVector(r.vector);
        // The one encode of vector bytes (see blobBytes).
        const blob = this.#codec.encrypted ? this.#codec.encodeBytes(packed, vectorPlace(model, r.seq)) : packed;
        written += stmt.run(model, dims, blob, now, r.seq, storedHash(r.contentHash)).changes;
      }
      return written;
    });
  }

  read(model: string, dims: number): StoredVector[] {
    const rows = this.#db
      .query("SELECT v.memory_seq AS seq, v.vector, v.created_at AS createdAt, m.project FROM vectors v LEFT JOIN memories m ON m.seq = v.memory_seq WHERE v.model = ? AND v.dims = ?")
      .all(model, dims) as VectorRow[];
    return toStored(rows, dims, this.#codec, model);
  }

  logState(): VectorLogState {
    const head = logHead(this.#db, "vector_log");
    return { ...indexFileState(this.#db), head: head.id, stamp: head.stamp };
  }

  changedSince(after: number, stamp: number, limit: number): number[] | null {
    if (!stillLogged(this.#db, "vector_log", { id: after, stamp })) return null;
    const rows = this.#db.query("SELECT DISTINCT memory_seq FROM vector_log WHERE id > ? LIMIT ?").values(after, limit + 1) as number[][];
    return rows.length > limit ? null : rows.map((r) => r[0]!);
  }

  readSeqs(model: string, dims: number, seqs: readonly number[]): StoredVector[] {
    if (seqs.length === 0) return [];
    // Each seq looked up by (memory_seq, model): left to itself the planner walked every vector of the model
    // (through an index since dropped: 12 ms for 10 seqs at 100k memories; 0.1 ms this way).
    const rows = this.#db
      .query(
        `SELECT v.memory_seq AS seq, v.vector AS vector, v.created_at AS createdAt, m.project AS project
         FROM json_each(?1) j CROSS JOIN vectors v ON v.memory_seq = j.value AND v.model = ?2 AND v.dims = ?3
         LEFT JOIN memories m ON m.seq = v.memory_seq`,
      )
      .all(JSON.stringify(seqs), model, dims) as VectorRow[];
    return toStored(rows, dims, this.#codec, model);
  }

  packedSeqs(model: string, dims: number, seqs: readonly number[], each: (seq: number, packed: Uint8Array) => void): void {
    if (seqs.length === 0) return;
    // Looked up as readSeqs does (by memory_seq and model), one row at a time.
    const rows = this.#db
      .query("SELECT v.memory_seq AS seq, v.vector AS vector FROM json_each(?1) j CROSS JOIN vectors v ON v.memory_seq = j.value AND v.model = ?2 AND v.dims = ?3")
      .iterate(JSON.stringify(seqs), model, dims) as Iterable<{ seq: number; vector: Uint8Array }>;
    for (const r of rows) {
      const packed = packedOf(r.vector, this.#codec, model, r.seq, dims);
      if (packed) each(r.seq, packed);
    }
  }

  ofMemories(model: string, dims: number, ids: readonly string[]): Map<string, Float32Array> {
    if (ids.length === 0) return new Map();
    // CROSS JOIN fixes the order (ids → memories → their vector): left to itself the planner walked every
    // vector of the model (through an index since dropped) and took 42 ms at 100k memories instead of 0.3.
    const rows = this.#db
      .query(
        `SELECT v.memory_seq AS seq, v.vector AS vector, v.created_at AS createdAt, m.id AS id
         FROM json_each(?3) j CROSS JOIN memories m ON m.id = j.value
           CROSS JOIN vectors v ON v.memory_seq = m.seq AND v.model = ?1 AND v.dims = ?2`,
      )
      .all(model, dims, JSON.stringify(ids)) as Array<VectorRow & { id: string }>;
    const idOf = new Map(rows.map((r) => [r.seq, r.id]));
    return new Map(toStored(rows, dims, this.#codec, model).map((v) => [idOf.get(v.seq)!, v.vector]));
  }

  snapshot(model: string, dims: number): PackedSnapshot {
    const db = this.#db;
    return db.transaction(() => {
      const state = this.logState();
      const width = packedBytes(dims);
      // Sized by the kept count (row-counts.ts: no table scan), grown if a count drifted below the rows.
      let seqs = new Uint32Array(Math.max(16, vectorsByCounts(db, model)));
      let packed = new Uint8Array(seqs.length * width);
      let codes = new Uint8Array(seqs.length);
      // With each vector, its memory's project as a code (project-codes.ts): searches in one project leave the
      // others' rows out by it.
      const coder = new ProjectCoder();
      const rows = db
        .query(
          `SELECT v.memory_seq AS seq, v.vector AS vector, m.project AS project
           FROM vectors v LEFT JOIN memories m ON m.seq = v.memory_seq WHERE v.model = ? AND v.dims = ? ORDER BY v.memory_seq`,
        )
        .iterate(model, dims) as Iterable<{ seq: number; vector: Uint8Array; project: string | null }>;
      let i = 0;
      for (const r of rows) {
        const bytes = packedOf(r.vector, this.#codec, model, r.seq, dims);
        if (!bytes) continue;
        if (i === seqs.length) {
          [seqs, packed, codes] = [grown(seqs, 2 * i), grown(packed, 2 * i * width), grown(codes, 2 * i)];
        }
        seqs[i] = r.seq;
        packed.set(bytes, i * width);
        codes[i] = coder.code(r.project);
        i++;
      }
      return { state, seqs: seqs.subarray(0, i), packed: packed.subarray(0, i * width), codes: codes.subarray(0, i), names: coder.names };
    }).deferred();
  }

  publishIndex(erase: number, prune: number, publish: () => void): boolean {
    return checkedWrite(this.#live, this.#codec.keyCheck, () => {
      const state = this.logState();
      // A purge since the snapshot, or a newer file already published (it pruned past this one): keep out.
      if (state.erase !== erase || state.pruned > prune) return false;
      publish();
      if (prune > 0) {
        this.#db.query("DELETE FROM vector_log WHERE id < ?").run(prune);
        this.#db.query("UPDATE vector_index_state SET value = max(value, ?) WHERE key = 'pruned'").run(prune);
      }
      return true;
    });
  }

  models(): Array<{ model: string; dims: number; count: number }> {
    return this.#db.query("SELECT model, dims, count(*) AS count FROM vectors GROUP BY model, dims ORDER BY model").all() as Array<{
      model: string;
      dims: number;
      count: number;
    }>;
  }

  deleteModel(model: string): number {
    return checkedWrite(this.#live, this.#codec.keyCheck, (db) => db.query("DELETE FROM vectors WHERE model = ?").run(model).changes);
  }

  changeToken(): string {
    // data_version moves when another connection commits; total_changes() counts this connection's own
    // writes, minus the access-count updates every recall makes, which change nothing a search depends on.
    // The generation moves when the file was replaced or deleted and the connection reopened.
    const db = this.#db;
    const v = db.query("PRAGMA data_version").get() as { data_version: number };
    const t = db.query("SELECT total_changes() AS t").get() as { t: number };
    return `${this.#live.generation}:${v.data_version}:${t.t - this.accessChanges.n}`;
  }

  memoriesBySeq(seqs: readonly number[], filter: MemoryFilter, now: number): Map<number, Memory> {
    return new Map(rowsBySeq(this.#db, seqs, filterToSql(filter, now, this.#codec)).map((r) => [r.seq, rowToMemory(r, this.#codec)]));
  }

  projectScope(filter: MemoryFilter): ProjectScope {
    return projectScopeOf(filter, this.#codec);
  }
}
