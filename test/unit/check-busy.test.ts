/** @module The store's consistency check on a sound store another process holds locked: busy, not damaged (QA). */
import { Database } from "bun:sqlite";
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

test("a full-text index whose own check meets another process's lock is unchecked, not broken; its rows still compared", () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-check-busy-"));
  dirs.push(dir);
  const path = join(dir, "cairn.db");
  const store = new SqliteStore(path, { lockWaitMs: 100 });
  new Engine({ store, project: "/p", actor: "test" }).remember({ content: "a sound store, only busy" });
  const holder = new Database(path);
  holder.run("BEGIN IMMEDIATE");
  try {
    const report = store.check();
    expect(report.ftsErrors).toEqual([]);
    expect(report.ftsUnchecked).toMatch(/locked/);
    expect({ missing: report.ftsMissing, orphans: report.ftsOrphans }).toEqual({ missing: 0, orphans: 0 });
  } finally {
    holder.run("ROLLBACK");
    holder.close();
    store.close();
  }
  const quiet = new SqliteStore(path);
  expect(quiet.check().ftsUnchecked).toBeUndefined();
  quiet.close();
});
