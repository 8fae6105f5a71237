/**
 * @module Duplicate lookups by canonical hash go through an index of its first 16 hex digits (migration 10):
 * a quarter of the full hash's index, and the candidates it finds are compared in full. Every query by
 * canonical hash uses {@link canonicalMatch}, so it reaches the index.
 */

export const CANONICAL_PREFIX_INDEX = "memories_canonical_prefix";
export const CANONICAL_PREFIX_CHARS = 16;

/**
 * The WHERE terms matching `n` stored canonical hashes in `memories` (alias `alias`), and their parameters.
 * The full comparison is written `+col` on purpose: with a plain `col = ?`, SQLite's constant propagation
 * rewrites the indexed `substr(col, …)` into `substr(?, …)`, which no longer matches the index (full scan).
 */
export function canonicalMatch(alias: string, stored: readonly string[]): { sql: string; params: string[] } {
  const list = stored.map(() => "?").join(", ");
  const col = `${alias}.canonical_hash`;
  return {
    sql: `substr(${col}, 1, ${CANONICAL_PREFIX_CHARS}) IN (${list}) AND +${col} IN (${list})`,
    params: [...stored.map((h) => h.slice(0, CANONICAL_PREFIX_CHARS)), ...stored],
  };
}
