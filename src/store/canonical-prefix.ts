/**
 * @module Duplicate lookups by canonical hash go through an index of its first 8 bytes (64 bits; the hash is
 * stored as bytes since migration 19, 16 hex digits before): the few candidates it finds are compared in
 * full. Every query by canonical hash uses {@link canonicalMatch}, so it reaches the index.
 */
import type { Database } from "bun:sqlite";
import type { ContentCodec } from "./content-codec.ts";
import { MEMORY_COLUMNS, type MemoryRow, storedProject } from "./rows.ts";
import { hashText, type StoredHash, storedHash } from "./stored-hash.ts";

export const CANONICAL_PREFIX_INDEX = "memories_canonical_prefix";
const PREFIX_BYTES = 8;

/** The index's definition (migration 19). */
export const prefixIndexSql = () => `CREATE INDEX ${CANONICAL_PREFIX_INDEX} ON memories (substr(canonical_hash, 1, ${PREFIX_BYTES}))`;

/**
 * The WHERE terms matching any of `hashes` (canonical hashes as text, keyed as the store keeps them) in
 * `memories` (alias `alias`), and their parameters. The full comparison is written `+col` on purpose: with a
 * plain `col = ?`, SQLite's constant propagation rewrites the indexed `substr(col, …)` into `substr(?, …)`,
 * which no longer matches the index (full scan).
 */
export function canonicalMatch(alias: string, hashes: readonly string[]): { sql: string; params: StoredHash[] } {
  const stored = hashes.map((h) => storedHash(h));
  const list = stored.map(() => "?").join(", ");
  const col = `${alias}.canonical_hash`;
  return {
    sql: `substr(${col}, 1, ${PREFIX_BYTES}) IN (${list}) AND +${col} IN (${list})`,
    // substr counts bytes in a blob, characters in text (a hash of another form, stored-hash.ts).
    params: [...stored.map((h) => (typeof h === "string" ? h.slice(0, PREFIX_BYTES) : h.subarray(0, PREFIX_BYTES))), ...stored],
  };
}

/**
 * The active memory in `project`'s scope with the same canonical text, the exact text first, then the oldest
 * (Store.findDuplicate). INDEXED BY: left to itself the planner picks memories_scope (project, status) and
 * scans the whole project, which made every remember O(n) — 26 ms per call at 50k memories instead of 0.02
 * ms. A scope holds few active copies of one text (duplicates are reinforced), so the choice is made here: any
 * ORDER BY cost ~60 µs a lookup, ~5 µs without, which was a fifth of an import line.
 */
export function duplicateRow(
  db: Database,
  codec: ContentCodec,
  project: string | null,
  contentHash: string,
  canonicalHash: string,
  status: "active" | "superseded" = "active",
): MemoryRow | null {
  const match = canonicalMatch("m", [codec.keyedHash(canonicalHash)]);
  const rows = db
    .query(
      `SELECT ${MEMORY_COLUMNS} FROM memories m INDEXED BY ${CANONICAL_PREFIX_INDEX}
       WHERE ${match.sql} AND m.project IS ? AND m.status = ?`,
    )
    .all(...match.params, storedProject(codec, project), status) as MemoryRow[];
  const exact = codec.keyedHash(contentHash);
  const rank = (x: MemoryRow) => (hashText(x.content_hash) === exact ? 0 : 1);
  let best: MemoryRow | null = null;
  for (const r of rows) if (!best || rank(r) < rank(best) || (rank(r) === rank(best) && r.seq < best.seq)) best = r;
  return best;
}
