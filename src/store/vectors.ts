/** @module The SQLite implementation of {@link VectorStore}: float32 little-endian BLOBs in the `vectors` table. */
import type { Database } from "bun:sqlite";
import type { Memory, MemoryFilter } from "../domain/memory.ts";
import { type ContentCodec, PLAIN_CODEC, place } from "./content-codec.ts";
import { writeTransaction } from "./db.ts";
import type { LiveDatabase } from "./live-db.ts";
import { filterToSql, rowsBySeq } from "./filter-sql.ts";
import { decodeContent, rowToMemory } from "./rows.ts";
import type { PendingCursor, PendingText, StoredVector, VectorKey, VectorStore } from "./vector-store.ts";

type VectorRow = { rowid: number; seq: number; vector: Uint8Array; createdAt: number };

/** Where a vector is stored, bound into its ciphertext in an encrypted store. */
export function vectorPlace(model: string, seq: number): string {
  return place("vectors", model, seq);
}

/** A stored blob as float32 bytes (decrypted in an encrypted store: the one decode of vector bytes). */
function toStored(r: VectorRow, codec: ContentCodec, model: string): StoredVector {
  if (codec.encrypted) r = { ...r, vector: codec.decodeBytes(r.vector, vectorPlace(model, r.seq), `the vector of memory #${r.seq}`) };
  return {
    rowid: r.rowid,
    seq: r.seq,
    createdAt: r.createdAt,
    // bun:sqlite hands each blob over in its own buffer; copy only when it is not 4-byte aligned.
    vector:
      r.vector.byteOffset % 4 === 0
        ? new Float32Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength / 4)
        : new Float32Array(r.vector.slice().buffer),
  };
}

export class SqliteVectors implements VectorStore {
  readonly #live: LiveDatabase;
  /** Rows this connection changed only to record access counts; the change token leaves them out. */
  readonly accessChanges = { n: 0 };
  #generation = 0;

  readonly #codec: ContentCodec;

  constructor(live: LiveDatabase, codec: ContentCodec = PLAIN_CODEC) {
    this.#live = live;
    this.#codec = codec;
  }

  /** The connection for a read (checked against the file outside transactions). */
  get #db(): Database {
    const db = this.#live.read();
    if (this.#live.generation !== this.#generation) {
      // A reopened connection counts its own changes from zero.
      this.#generation = this.#live.generation;
      this.accessChanges.n = 0;
    }
    return db;
  }

  pending(model: string, limit: number, from: PendingCursor = { active: true, below: Number.MAX_SAFE_INTEGER }): { rows: PendingText[]; next: PendingCursor | null } {
    if (this.pendingCount(model) <= 0) return { rows: [], next: null };
    // Walking the primary key downwards from the cursor stops after `limit` hits: a batch costs about its own
    // size, where sorting every memory without a vector cost ~50 ms per batch at 100k (~0.5 s at 1M).
    const walk = (active: boolean, below: number, n: number) =>
      (this.#db
        .query(
          `SELECT m.seq, m.id, m.content_hash, m.content FROM memories m
           WHERE m.seq < ?1 AND ${active ? "m.status = 'active'" : "m.status != 'active'"}
             AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.memory_seq = m.seq AND v.model = ?2)
           ORDER BY m.seq DESC LIMIT ?3`,
        )
        .all(below, model, n) as Array<{ seq: number; id: string; content_hash: string; content: string }>).map((r) => ({
        seq: r.seq,
        // As stored (a keyed hash in an encrypted store): put() checks the row still holds this text.
        contentHash: r.content_hash,
        content: decodeContent(this.#codec, r.id, r.content),
      }));
    const first = walk(from.active, from.below, limit);
    if (first.length === limit) return { rows: first, next: { active: from.active, below: first.at(-1)!.seq } };
    if (!from.active) return { rows: first, next: null };
    // Active memories are done: archived and superseded ones (recalled with a status filter) come next.
    const need = limit - first.length;
    const rest = walk(false, Number.MAX_SAFE_INTEGER, need);
    return { rows: [...first, ...rest], next: rest.length === need ? { active: false, below: rest.at(-1)!.seq } : null };
  }

  pendingCount(model: string): number {
    // Every vector belongs to an existing memory (foreign key, ON DELETE CASCADE; every connection turns
    // foreign keys on) and a memory has at most one per model, so a difference of counts is the number
    // missing. Whole-table counts read only page headers, and the other models' ranges are empty unless a
    // switch left some: ~0.01 ms at 10k, where probing every memory took 2–8 ms, several times a search.
    return (
      this.#db
        .query(
          `SELECT (SELECT count(*) FROM memories) - (SELECT count(*) FROM vectors)
                + (SELECT count(*) FROM vectors WHERE model < ?1) + (SELECT count(*) FROM vectors WHERE model > ?1) AS n`,
        )
        .get(model) as { n: number }
    ).n;
  }

  put(model: string, dims: number, rows: ReadonlyArray<{ seq: number; contentHash: string; vector: Float32Array }>, now: number): number {
    for (const r of rows) if (r.vector.length !== dims) throw new Error(`vector for seq ${r.seq} has ${r.vector.length} dims, expected ${dims}`);
    this.#live.write();
    return writeTransaction(this.#db, () => {
      const stmt = this.#db.query(
        `INSERT OR REPLACE INTO vectors (memory_seq, model, dims, vector, created_at)
         SELECT seq, ?, ?, ?, ? FROM memories WHERE seq = ? AND content_hash = ?`,
      );
      let written = 0;
      for (const r of rows) {
        const raw = new Uint8Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength);
        // The one encode of vector bytes (see toStored).
        const blob = this.#codec.encrypted ? this.#codec.encodeBytes(raw, vectorPlace(model, r.seq)) : raw;
        written += stmt.run(model, dims, blob, now, r.seq, r.contentHash).changes;
      }
      return written;
    });
  }

  keys(model: string, dims: number): VectorKey[] {
    // Answered from the covering index (model, created_at, memory_seq, dims) + rowid: no blob is read.
    return this.#db.query("SELECT rowid, memory_seq, created_at FROM vectors WHERE model = ? AND dims = ?").values(model, dims) as VectorKey[];
  }

  read(model: string, dims: number): StoredVector[] {
    const rows = this.#db
      .query("SELECT rowid, memory_seq AS seq, vector, created_at AS createdAt FROM vectors WHERE model = ? AND dims = ?")
      .all(model, dims) as VectorRow[];
    return rows.map((r) => toStored(r, this.#codec, model));
  }

  readRows(model: string, dims: number, rowids: readonly number[]): StoredVector[] {
    if (rowids.length === 0) return [];
    // One cached statement for any number of ids (json_each), each looked up by rowid: left to itself the
    // planner walks the model's whole index range instead (0.5 ms for one row at 10k, 0.003 this way).
    const rows = this.#db
      .query(
        `SELECT rowid, memory_seq AS seq, vector, created_at AS createdAt FROM vectors NOT INDEXED
         WHERE rowid IN (SELECT value FROM json_each(?)) AND model = ? AND dims = ?`,
      )
      .all(JSON.stringify(rowids), model, dims) as VectorRow[];
    return rows.map((r) => toStored(r, this.#codec, model));
  }

  models(): Array<{ model: string; dims: number; count: number }> {
    return this.#db.query("SELECT model, dims, count(*) AS count FROM vectors GROUP BY model, dims ORDER BY model").all() as Array<{
      model: string;
      dims: number;
      count: number;
    }>;
  }

  deleteModel(model: string): number {
    this.#live.write();
    return writeTransaction(this.#db, () => this.#db.query("DELETE FROM vectors WHERE model = ?").run(model).changes);
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
}
