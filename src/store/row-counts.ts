/**
 * @module Row counts kept by triggers: memories, and vectors per model. "How many memories still lack a vector"
 * is asked before every dense search that follows a write; counting the tables read every page of an index
 * (10 ms in a fresh process at 100k memories, 40–360 ms at 1M), reading two rows of this table does not.
 * Every write path reaches these tables through SQL (engine, import, sync, erase, cascades), so the triggers
 * see every change; `doctor` recounts and puts a count right if anything (another tool) bypassed them.
 */
import type { Database } from "bun:sqlite";

const MEMORIES = "memories";
/** A model's vectors are counted under this prefix and the model's name (in the triggers too). */
const VECTORS = "vectors/";
const vectorsName = (model: string) => `${VECTORS}${model}`;

/**
 * The table, its triggers and the first count. A vector replacing its memory's older one of the same model
 * (`INSERT OR REPLACE`, whose implied delete fires no trigger) is not counted again: the BEFORE trigger sees
 * the row it replaces.
 */
export const ROW_COUNTS_SCHEMA = `
  CREATE TABLE row_counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL) STRICT, WITHOUT ROWID;
  INSERT INTO row_counts (name, n) SELECT '${MEMORIES}', count(*) FROM memories;
  INSERT INTO row_counts (name, n) SELECT '${VECTORS}' || model, count(*) FROM vectors GROUP BY model;
  CREATE TRIGGER row_counts_memory_insert AFTER INSERT ON memories BEGIN
    UPDATE row_counts SET n = n + 1 WHERE name = '${MEMORIES}';
  END;
  CREATE TRIGGER row_counts_memory_delete AFTER DELETE ON memories BEGIN
    UPDATE row_counts SET n = n - 1 WHERE name = '${MEMORIES}';
  END;
  CREATE TRIGGER row_counts_vector_insert BEFORE INSERT ON vectors
    WHEN NOT EXISTS (SELECT 1 FROM vectors WHERE memory_seq = new.memory_seq AND model = new.model)
  BEGIN
    INSERT INTO row_counts (name, n) VALUES ('${VECTORS}' || new.model, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER row_counts_vector_delete AFTER DELETE ON vectors BEGIN
    UPDATE row_counts SET n = n - 1 WHERE name = '${VECTORS}' || old.model;
  END;
`;

const count = (db: Database, name: string): number => (db.query("SELECT n FROM row_counts WHERE name = ?").get(name) as { n: number } | null)?.n ?? 0;

/**
 * Memories without a vector of `model`: every vector belongs to an existing memory (foreign key, ON DELETE
 * CASCADE) and a memory has at most one per model, so it is a difference of two counts.
 */
export function pendingByCounts(db: Database, model: string): number {
  return count(db, MEMORIES) - count(db, vectorsName(model));
}

/** Vectors of `model` (any width), as kept by the triggers. */
export function vectorsByCounts(db: Database, model: string): number {
  return count(db, vectorsName(model));
}

/** The kept counts of memories and of vectors (every model's): one read of this table instead of counting two. */
export function keptCounts(db: Database): { memories: number; vectors: number } {
  let memories = 0;
  let vectors = 0;
  for (const r of db.query("SELECT name, n FROM row_counts").all() as Array<{ name: string; n: number }>) {
    if (r.name === MEMORIES) memories = r.n;
    else if (r.name.startsWith(VECTORS)) vectors += r.n;
  }
  return { memories, vectors };
}

export interface CountDrift {
  name: string;
  kept: number;
  actual: number;
}

/** The kept counts that differ from the tables (counting the tables: O(store)). */
export function countDrift(db: Database): CountDrift[] {
  const actual = new Map<string, number>([[MEMORIES, (db.query("SELECT count(*) AS n FROM memories").get() as { n: number }).n]]);
  for (const r of db.query("SELECT model, count(*) AS n FROM vectors GROUP BY model").all() as Array<{ model: string; n: number }>) actual.set(vectorsName(r.model), r.n);
  const kept = new Map((db.query("SELECT name, n FROM row_counts").all() as Array<{ name: string; n: number }>).map((r) => [r.name, r.n]));
  const names = new Set([...actual.keys(), ...kept.keys()]);
  return [...names].flatMap((name) => {
    const a = actual.get(name) ?? 0;
    const k = kept.get(name) ?? 0;
    return a === k ? [] : [{ name, kept: k, actual: a }];
  });
}

/** Puts the drifted counts right (inside the caller's write transaction). */
export function fixCounts(db: Database, drift: readonly CountDrift[]): void {
  const put = db.query("INSERT INTO row_counts (name, n) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = excluded.n");
  for (const d of drift) put.run(d.name, d.actual);
}
