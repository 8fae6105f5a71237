/** @module Keeping the contentless FTS5 index in step with `memories`, and querying it. */
import type { Database } from "bun:sqlite";
import type { Memory } from "../domain/memory.ts";
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

export const FTS_RANK_EXPR = BM25;
