/** @module The SQLite implementation of {@link VectorStore}: float32 little-endian BLOBs in the `vectors` table. */
import type { Database } from "bun:sqlite";
import type { Memory, MemoryFilter } from "../domain/memory.ts";
import { decodeContent } from "./content-codec.ts";
import { writeTransaction } from "./db.ts";
import { filterToSql, rowsBySeq } from "./filter-sql.ts";
import { rowToMemory } from "./rows.ts";
import type { PendingText, StoredVector, VectorState, VectorStore } from "./vector-store.ts";

export class SqliteVectors implements VectorStore {
  readonly #db: Database;
  /** Rows this connection changed only to record access counts; the change token leaves them out. */
  readonly accessChanges = { n: 0 };

  constructor(db: Database) {
    this.#db = db;
  }

  pending(model: string, limit: number): PendingText[] {
    const rows = this.#db
      .query(
        `SELECT m.seq, m.content_hash, m.content FROM memories m
         WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.memory_seq = m.seq AND v.model = ?)
         ORDER BY (m.status = 'active') DESC, m.seq DESC LIMIT ?`,
      )
      .all(model, limit) as Array<{ seq: number; content_hash: string; content: string }>;
    return rows.map((r) => ({ seq: r.seq, contentHash: r.content_hash, content: decodeContent(r.content) }));
  }

  pendingCount(model: string): number {
    return (
      this.#db
        .query("SELECT count(*) AS n FROM memories m WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.memory_seq = m.seq AND v.model = ?)")
        .get(model) as { n: number }
    ).n;
  }

  put(model: string, dims: number, rows: ReadonlyArray<{ seq: number; contentHash: string; vector: Float32Array }>, now: number): number {
    for (const r of rows) if (r.vector.length !== dims) throw new Error(`vector for seq ${r.seq} has ${r.vector.length} dims, expected ${dims}`);
    return writeTransaction(this.#db, () => {
      const stmt = this.#db.query(
        `INSERT OR REPLACE INTO vectors (memory_seq, model, dims, vector, created_at)
         SELECT seq, ?, ?, ?, ? FROM memories WHERE seq = ? AND content_hash = ?`,
      );
      let written = 0;
      for (const r of rows) {
        const blob = new Uint8Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength);
        written += stmt.run(model, dims, blob, now, r.seq, r.contentHash).changes;
      }
      return written;
    });
  }

  state(model: string): VectorState {
    const row = this.#db
      .query(
        `SELECT count(*) AS count, coalesce(sum(dims), 0) AS dimsSum, coalesce(sum(memory_seq), 0) AS seqSum, coalesce(sum(created_at), 0) AS createdSum,
                coalesce(max(created_at), 0) AS maxCreatedAt FROM vectors WHERE model = ?`,
      )
      .get(model) as VectorState;
    return row;
  }

  read(model: string, dims: number, since = 0): StoredVector[] {
    const rows = this.#db
      .query("SELECT memory_seq AS seq, vector, created_at AS createdAt FROM vectors WHERE model = ? AND dims = ? AND created_at >= ?")
      .all(model, dims, since) as Array<{ seq: number; vector: Uint8Array; createdAt: number }>;
    return rows.map((r) => ({
      seq: r.seq,
      createdAt: r.createdAt,
      // bun:sqlite hands each blob over in its own buffer; copy only when it is not 4-byte aligned.
      vector:
        r.vector.byteOffset % 4 === 0
          ? new Float32Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength / 4)
          : new Float32Array(r.vector.slice().buffer),
    }));
  }

  models(): Array<{ model: string; dims: number; count: number }> {
    return this.#db.query("SELECT model, dims, count(*) AS count FROM vectors GROUP BY model, dims ORDER BY model").all() as Array<{
      model: string;
      dims: number;
      count: number;
    }>;
  }

  deleteModel(model: string): number {
    return writeTransaction(this.#db, () => this.#db.query("DELETE FROM vectors WHERE model = ?").run(model).changes);
  }

  changeToken(): string {
    // data_version moves when another connection commits; total_changes() counts this connection's own
    // writes, minus the access-count updates every recall makes, which change nothing a search depends on.
    const v = this.#db.query("PRAGMA data_version").get() as { data_version: number };
    const t = this.#db.query("SELECT total_changes() AS t").get() as { t: number };
    return `${v.data_version}:${t.t - this.accessChanges.n}`;
  }

  memoriesBySeq(seqs: readonly number[], filter: MemoryFilter, now: number): Map<number, Memory> {
    return new Map(rowsBySeq(this.#db, seqs, filterToSql(filter, now)).map((r) => [r.seq, rowToMemory(r)]));
  }
}
