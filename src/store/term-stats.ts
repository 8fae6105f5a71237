/**
 * @module How common query terms are in the full-text index, so the keyword channel can drop terms most
 * memories contain. Counting a term's matches reads its posting list, which a search with it reads anyway.
 */
import type { Database } from "bun:sqlite";

/** Memories in the index, and for each safe FTS5 expression in `matches` how many memories it matches. */
export function termStats(db: Database, matches: readonly string[]): { docs: number; counts: number[] } {
  const docs = indexedDocs(db);
  const stmt = db.query("SELECT count(*) AS n FROM memories_fts WHERE memories_fts MATCH ?");
  return { docs, counts: matches.map((m) => (stmt.get(m) as { n: number }).n) };
}

/**
 * How many documents the full-text index holds, read from FTS5's "averages" record (row 1 of its data table,
 * a varint row count first, the same record FTS5 itself reads for BM25): ~0.3 ms in a fresh process, where
 * `count(*)` walks a whole index (2–4 ms cold at 10k). Falls back to counting if the record is unreadable.
 */
export function indexedDocs(db: Database): number {
  const row = db.query("SELECT block FROM memories_fts_data WHERE id = 1").get() as { block: Uint8Array } | null;
  const n = row ? readVarint(row.block) : null;
  return n ?? (db.query("SELECT count(*) AS n FROM memories_fts_docsize").get() as { n: number }).n;
}

/** SQLite's varint: big-endian groups of 7 bits, high bit set on all but the last; the 9th byte gives 8 bits. */
function readVarint(bytes: Uint8Array): number | null {
  return readVarints(bytes, 1)[0] ?? null;
}

/** The varints of `bytes` in order (up to `max`), as FTS5 writes its records (a truncated last one is left out). */
export function readVarints(bytes: Uint8Array, max = Infinity): number[] {
  const out: number[] = [];
  let v = 0;
  let n = 0;
  for (let i = 0; i < bytes.length && out.length < max; i++) {
    const b = bytes[i]!;
    if (n === 8) {
      out.push(v * 256 + b);
      v = n = 0;
      continue;
    }
    v = v * 128 + (b & 0x7f);
    n++;
    if ((b & 0x80) === 0) {
      out.push(v);
      v = n = 0;
    }
  }
  return out;
}
