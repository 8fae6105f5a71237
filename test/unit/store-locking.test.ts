/** @module Two connections on one file: readers never wait on a writer, and access tracking yields to it. */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("recall answers while another connection holds the write lock, skipping only access tracking", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-lock-"));
  dirs.push(dir);
  const path = join(dir, "cairn.db");
  const writer = new SqliteStore(path);
  const reader = new Engine({ store: new SqliteStore(path), project: "/p" });
  const { id } = reader.remember({ content: "locks are held by importers" });

  writer.database.run("BEGIN IMMEDIATE");
  try {
    const started = performance.now();
    const result = await reader.recall({ query: "importers" });
    const elapsed = performance.now() - started;
    expect(result.results.map((r) => r.memory.id)).toEqual([id]);
    // Bounded by the 50 ms access-tracking wait, far below the 10 s busy timeout writers use.
    expect(elapsed).toBeLessThan(5_000);
  } finally {
    writer.database.run("ROLLBACK");
  }
  expect(reader.get(id, { track: false }).accessCount).toBe(0);
  await reader.recall({ query: "importers" });
  expect(reader.get(id, { track: false }).accessCount).toBe(1);
  reader.close();
  writer.close();
});
