/**
 * @module Memories without a vector are found batch by batch: active ones first, newest first (or oldest first,
 * for a bulk run), each once per walk; a bulk run writes vectors in key order, so the primary key's index pages
 * fill.
 */
import { expect, spyOn, test } from "bun:test";
import { Database, type Statement } from "bun:sqlite";
import type { PendingCursor } from "../../src/store/vector-store.ts";
import { testEngine } from "../helpers/engine.ts";
import { embedPending } from "../../src/retrieve/embed-pending.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { WordHashEmbedder } from "../helpers/fake-embedder.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Nine memories remembered a second apart, the second and the eighth archived; each one's id by its content. */
function nineMemories() {
  const { engine, store, advance } = testEngine();
  const ids: string[] = [];
  for (let i = 0; i < 9; i++) {
    ids.push(engine.remember({ content: `memory number ${i} about a distinct topic ${i * 7}` }).id);
    advance(1000);
  }
  engine.forget(ids[1]!); // archived: after the active ones
  engine.forget(ids[7]!);
  return { store, ids, idOf: new Map(ids.map((id) => [store.get(id)!.content, id])) };
}

test("a walk in batches visits every memory lacking a vector once, active first, newest first", () => {
  const { store, ids, idOf: seqOf } = nineMemories();
  // Two memories already have a vector: never returned.
  const first = store.vectors.pending("m", 2);
  store.vectors.put("m", 2, first.rows.map((r) => ({ seq: r.seq, contentHash: r.contentHash, vector: new Float32Array([1, 0]) })), 0);

  const seen: string[] = [];
  let cursor: PendingCursor | undefined;
  for (let round = 0; round < 10; round++) {
    const { rows, next } = store.vectors.pending("m", 2, cursor);
    seen.push(...rows.map((r) => seqOf.get(r.content)!));
    if (next === null) break;
    cursor = next;
  }
  const active = [8, 6, 5, 4, 3, 2, 0].map((i) => ids[i]!);
  // The first batch (8, 6) got vectors; then the other active ones newest first, then the archived ones.
  expect(seen).toEqual([...active.slice(2), ids[7]!, ids[1]!]);
  expect(store.vectors.pendingCount("m")).toBe(seen.length);
});

test("a walk stops once it found every memory the counts say lacks a vector, not at the end of the table", () => {
  const { engine, store } = testEngine();
  const ids = Array.from({ length: 30 }, (_, i) => engine.remember({ content: `memory number ${i} about topic ${i * 13}` }).id);
  engine.forget(ids[3]!); // an archived memory with a vector: the walk of archived ones is not needed either
  const all = store.vectors.pending("m", 100);
  store.vectors.put("m", 2, all.rows.map((r) => ({ seq: r.seq, contentHash: r.contentHash, vector: new Float32Array([1, 0]) })), 0);
  const fresh = engine.remember({ content: "the memory just remembered" }).id;
  // The rows each walk asks for (its LIMIT): what it reads when fewer lack a vector.
  const asked: number[] = [];
  const query = Database.prototype.query;
  const walks = function (this: Database, sql: string): Statement {
    const stmt = query.call(this, sql) as Statement;
    if (!sql.includes("NOT EXISTS (SELECT 1 FROM vectors")) return stmt;
    return { all: (...args: unknown[]) => (asked.push(args[2] as number), stmt.all(...(args as [number, string, number]))) } as unknown as Statement;
  };
  const spied = spyOn(Database.prototype, "query").mockImplementation(walks as typeof query);
  try {
    const { rows, next } = store.vectors.pending("m", 64);
    expect(rows.map((r) => r.content)).toEqual([store.get(fresh)!.content]);
    expect(next).toBeNull();
    expect(asked).toEqual([1]);
  } finally {
    spied.mockRestore();
  }
});

test("a walk up visits the same memories oldest first, active first, each once", () => {
  const { store, ids, idOf } = nineMemories();
  const seen: string[] = [];
  let cursor: PendingCursor | undefined = { active: true, past: Number.MIN_SAFE_INTEGER, up: true };
  for (let round = 0; round < 10 && cursor; round++) {
    const { rows, next } = store.vectors.pending("m", 2, cursor);
    seen.push(...rows.map((r) => idOf.get(r.content)!));
    cursor = next ?? undefined;
  }
  expect(seen).toEqual([0, 2, 3, 4, 5, 6, 8, 1, 7].map((i) => ids[i]!));
});

test("a bulk run (oldest first) leaves the vectors table (kept by its key) about full; newest first left it half empty", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-walk-"));
  try {
    const pages = async (oldestFirst: boolean) => {
      const store = new SqliteStore(join(dir, `${oldestFirst}.db`));
      // Written straight to the table (an import's rows, without its checks): 20,000 memories in a moment.
      const insert = store.database.query(
        "INSERT INTO memories (id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES (?, ?, 'note', 1, 1, 3, ?, ?)",
      );
      store.database.transaction(() => {
        for (let i = 0; i < 20_000; i++) insert.run(`m${i}`, `memory ${i}`, `h${i}`, `c${i}`);
      })();
      await embedPending(store, new WordHashEmbedder("m", 8), { batch: 256, oldestFirst });
      expect(store.vectors.pendingCount("m")).toBe(0);
      const stat = store.database.query("SELECT sum(pgsize) AS size, sum(unused) AS unused FROM dbstat WHERE name = 'vectors'").get() as { size: number; unused: number };
      store.close();
      return stat.unused / stat.size;
    };
    const [up, down] = [await pages(true), await pages(false)];
    // Measured: 14% of the table unused walking up, 50% walking down (the same as its key's index before migration 25).
    expect(up).toBeLessThan(0.2);
    expect(down).toBeGreaterThan(0.4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
