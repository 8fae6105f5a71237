/**
 * @module The index rewrite after each purge keeps the FTS5 structure bounded: SQLite's rewrite of a single
 * segment holding deletions added a level each time, and the 2,001st purge of a store's life found the structure
 * "corrupt" (QA: one sweep purging 2,001 memories damaged the store). Purged text is still gone from the index.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scrubDeleted } from "../../src/store/scrub.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

/** The structure record's level count (FTS5 varint after the 8-byte header). */
function levels(store: SqliteStore): number {
  const b = (store.database.query("SELECT block FROM memories_fts_data WHERE id = 10").get() as { block: Uint8Array }).block;
  let v = 0;
  for (let i = 8; ; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) return v;
  }
}

test("2,100 deletions each followed by the scrub: the index stays sound, bounded, and without the deleted words", () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-scrub-"));
  try {
    const store = new SqliteStore(join(dir, "cairn.db"));
    const db = store.database;
    db.transaction(() => {
      for (let i = 1; i <= 2200; i++) db.query("INSERT INTO memories_fts (rowid, content, tags) VALUES (?, ?, '')").run(i, `memory number ${i} about things`);
      db.query("INSERT INTO memories_fts (rowid, content, tags) VALUES (5000, 'the password is wqzpkvvfjjsecret', '')").run();
    })();
    const onDisk = () => (db.query("SELECT block FROM memories_fts_data").all() as Array<{ block: Uint8Array | null }>).some((r) => Buffer.from(r.block ?? []).toString("latin1").includes("wqzpkvvfjjsecret"));
    expect(onDisk()).toBe(true);
    db.query("DELETE FROM memories_fts WHERE rowid = 5000").run();
    scrubDeleted(db, Date.now());
    expect(onDisk()).toBe(false);
    for (let i = 1; i <= 2100; i++) {
      db.query("DELETE FROM memories_fts WHERE rowid = ?").run(i);
      scrubDeleted(db, Date.now());
    }
    expect(levels(store)).toBeLessThanOrEqual(65);
    expect(() => db.run("INSERT INTO memories_fts (memories_fts) VALUES ('integrity-check')")).not.toThrow();
    expect((db.query("SELECT count(*) AS n FROM memories_fts WHERE memories_fts MATCH 'memory'").get() as { n: number }).n).toBe(100);
    // The placeholder the rewrite stands beside is gone again.
    expect((db.query("SELECT count(*) AS n FROM memories_fts WHERE memories_fts MATCH 'cairn'").get() as { n: number }).n).toBe(0);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
