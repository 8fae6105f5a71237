/**
 * @module Session neighbours for recall's session context: the memories written just before and after each
 * given one in its session. Two index seeks per memory on memories_session (session_id, created_at, seq), so
 * the cost follows the number of candidates, not the size of their sessions: the earlier window-function
 * query sorted every memory of every touched session and took ~20 ms for 200 candidates at 10k memories.
 * The given memories are found by id first, join order and index fixed: left to the planner, `m.id IN (…)`
 * walked every memory in a session instead (4 ms per call with 3k LoCoMo turns in a 100k store).
 */
import type { Database } from "bun:sqlite";
import { idListParam, MEMORIES_BY_ID_LIST } from "./filter-sql.ts";

/** The statement of {@link sessionNeighbours} (its plan is tested). */
export const SESSION_NEIGHBOURS_SQL = `SELECT m.id,
   (SELECT p.id FROM memories p INDEXED BY memories_session
     WHERE p.session_id = m.session_id AND (p.created_at, p.seq) < (m.created_at, m.seq)
     ORDER BY p.created_at DESC, p.seq DESC LIMIT 1) AS prev,
   (SELECT n.id FROM memories n INDEXED BY memories_session
     WHERE n.session_id = m.session_id AND (n.created_at, n.seq) > (m.created_at, m.seq)
     ORDER BY n.created_at, n.seq LIMIT 1) AS next
 FROM ${MEMORIES_BY_ID_LIST} WHERE m.session_id IS NOT NULL`;

export function sessionNeighbours(db: Database, ids: readonly string[]): Map<string, { prev: string | null; next: string | null }> {
  const rows = db.query(SESSION_NEIGHBOURS_SQL).all(idListParam(ids)) as Array<{ id: string; prev: string | null; next: string | null }>;
  return new Map(rows.map((r) => [r.id, { prev: r.prev, next: r.next }]));
}
