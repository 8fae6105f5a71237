/** @module Keeping the contentless FTS5 index in step with `memories`, and querying it. */
import type { Database } from "bun:sqlite";
import type { Memory } from "../domain/memory.ts";
import { rowsBySeq, type SqlWhere } from "./filter-sql.ts";
import type { MemoryRow } from "./rows.ts";
import { indexText } from "./content-codec.ts";

/** BM25 column weights: content matters most; tags are short and precise. */
const BM25 = "bm25(memories_fts, 1.0, 2.0)";

export function ftsInsert(db: Database, seq: number, memory: Pick<Memory, "content" | "tags">): void {
  db.query("INSERT INTO memories_fts (rowid, content, tags) VALUES (?, ?, ?)").run(
    seq,
    indexText(memory.content),
    indexText(memory.tags.join(" ")),
  );
}

export function ftsDelete(db: Database, seq: number): void {
  db.query("DELETE FROM memories_fts WHERE rowid = ?").run(seq);
}

/**
 * Top `limit` matches passing `where`, best BM25 first, ties to the newer memory. Two stages: rank inside the
 * index alone (cheap: no table rows touched), then fetch and filter only the best `k` rows, widening `k`
 * when the filter rejects too many. A single JOIN … ORDER BY reads every matching row first: at 100k
 * memories that was p50 23 ms against 3 ms this way, and it made cold starts pay ~700 page reads.
 */
export function ftsSearch(db: Database, match: string, where: SqlWhere, limit: number): Array<{ row: MemoryRow; rank: number }> {
  for (let k = Math.max(limit * 4, 40); ; k *= 4) {
    const top = db
      .query(`SELECT rowid AS seq, ${BM25} AS rank FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rank LIMIT ?`)
      .all(match, k) as Array<{ seq: number; rank: number }>;
    if (top.length === 0) return [];
    const rankOf = new Map(top.map((t) => [t.seq, t.rank]));
    const rows = rowsBySeq(db, top.map((t) => t.seq), where);
    if (rows.length >= limit || top.length < k) {
      return rows
        .map((row) => ({ row, rank: rankOf.get(row.seq)! }))
        .sort((a, b) => a.rank - b.rank || b.row.created_at - a.row.created_at)
        .slice(0, limit);
    }
  }
}
