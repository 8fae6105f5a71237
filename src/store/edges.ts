/** @module The `edges` table: typed links between memories, stored by row sequence and read back by id. */
import type { Database } from "bun:sqlite";
import { type Edge, linkState, POSSIBLE_CHANGE, type Relation, SETTLED, type Settlement } from "../domain/edge.ts";

interface EdgeRow {
  from_id: string;
  to_id: string;
  relation: string;
  weight: number;
  created_at: number;
  metadata: string;
}

/** Inserts the edge unless the same (from, to, relation) exists; false when either memory is missing or it existed. */
export function insertEdge(db: Database, e: Edge): boolean {
  const result = db
    .query(
      `INSERT OR IGNORE INTO edges (from_seq, to_seq, relation, weight, created_at, metadata)
       SELECT f.seq, t.seq, ?, ?, ?, ? FROM memories f, memories t WHERE f.id = ? AND t.id = ?`,
    )
    .run(e.relation, e.weight, e.createdAt, JSON.stringify(e.metadata), e.fromId, e.toId);
  return result.changes > 0;
}

/** Sets the metadata of the link from `e.fromId` to `e.toId` of relation `e.relation`; false when there is none. */
export function updateEdgeMetadata(db: Database, e: Edge): boolean {
  const result = db
    .query(
      `UPDATE edges SET metadata = ? WHERE from_seq = (SELECT seq FROM memories WHERE id = ?)
         AND to_seq = (SELECT seq FROM memories WHERE id = ?) AND relation = ?`,
    )
    .run(JSON.stringify(e.metadata), e.fromId, e.toId, e.relation);
  return result.changes > 0;
}

/** Every edge touching memory `id`, in either direction, oldest first. */
export function edgesOf(db: Database, id: string): Edge[] {
  const rows = db
    .query(
      `SELECT f.id AS from_id, t.id AS to_id, e.relation, e.weight, e.created_at, e.metadata
       FROM edges e JOIN memories f ON f.seq = e.from_seq JOIN memories t ON t.seq = e.to_seq
       WHERE e.from_seq = (SELECT seq FROM memories WHERE id = ?1) OR e.to_seq = (SELECT seq FROM memories WHERE id = ?1)
       ORDER BY e.created_at, e.relation`,
    )
    .all(id) as EdgeRow[];
  return rows.map((r) => ({
    fromId: r.from_id,
    toId: r.to_id,
    relation: r.relation as Relation,
    weight: r.weight,
    createdAt: r.created_at,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
  }));
}

/** One link of a memory among `ids` to another memory, seen from that memory (`outgoing` when it is the link's source). */
export interface Link {
  id: string;
  other: string;
  relation: Relation;
  outgoing: boolean;
  createdAt: number;
  /** Written by `remember` for a possible conflict nobody settled yet (domain/edge.ts POSSIBLE_CHANGE). */
  possible?: boolean;
  /** A possible conflict settled: confirmed ("conflict") or dismissed ("not_conflict"). */
  settled?: Settlement;
}

/**
 * The links of the memories `ids`, in either direction: two index seeks per memory (the primary key for
 * outgoing links, edges_to for incoming ones), so the cost follows the number of memories asked about.
 */
export function linksOf(db: Database, ids: readonly string[]): Link[] {
  if (ids.length === 0) return [];
  const rows = db
    .query(
      `WITH src(seq, id) AS (SELECT seq, id FROM memories WHERE id IN (SELECT value FROM json_each(?1)))
       SELECT s.id, o.id AS other, e.relation, 1 AS outgoing, e.created_at, e.metadata ->> '$.${POSSIBLE_CHANGE}' AS possible, e.metadata ->> '$.${SETTLED}' AS settled FROM src s JOIN edges e ON e.from_seq = s.seq JOIN memories o ON o.seq = e.to_seq
       UNION ALL
       SELECT s.id, o.id AS other, e.relation, 0 AS outgoing, e.created_at, e.metadata ->> '$.${POSSIBLE_CHANGE}' AS possible, e.metadata ->> '$.${SETTLED}' AS settled FROM src s JOIN edges e ON e.to_seq = s.seq JOIN memories o ON o.seq = e.from_seq`,
    )
    .all(JSON.stringify(ids)) as Array<{ id: string; other: string; relation: string; outgoing: number; created_at: number; possible: number | null; settled: string | null }>;
  return rows.map((r) => ({
    id: r.id, other: r.other, relation: r.relation as Relation, outgoing: r.outgoing === 1, createdAt: r.created_at,
    ...linkState({ [POSSIBLE_CHANGE]: r.possible === 1, [SETTLED]: r.settled }),
  }));
}
