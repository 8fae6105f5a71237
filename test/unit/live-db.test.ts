/**
 * @module The store's connection follows the file at its path (src/store/live-db.ts), in process: a replaced
 * file is read and written from then on, a deleted one becomes a new store, lost -wal/-shm files cost no
 * commit, and the vector change token moves with a reopen so in-memory indexes reload.
 */
import { afterEach, beforeEach, expect, spyOn, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { REPO_ROOT } from "../helpers/bin.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clearDamageMark, markDamaged } from "../../src/store/damage-mark.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { SCHEMA_VERSION } from "../../src/store/migrations.ts";
import { testEngine } from "../helpers/engine.ts";
import { breakLeftLeaf } from "../helpers/damage.ts";

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cairn-live-"));
  path = join(dir, "cairn.db");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Ids of the memories a separate connection finds in the file at `file`. */
function idsIn(file: string): string[] {
  const store = new SqliteStore(file);
  try {
    return (store.database.query("SELECT id FROM memories").all() as Array<{ id: string }>).map((r) => r.id);
  } finally {
    store.close();
  }
}

test("a replaced file is used from the next call on, for reads and writes", () => {
  const live = testEngine({ path, encrypted: false });
  live.engine.remember({ content: "written before the swap" });
  const other = testEngine({ path: join(dir, "other.db"), encrypted: false });
  const theirs = other.engine.remember({ content: "the replacement's own memory" }).id;
  other.engine.close();
  renameSync(join(dir, "other.db"), path);
  expect(live.engine.get(theirs)?.content).toBe("the replacement's own memory");
  const mine = live.engine.remember({ content: "written after the swap" }).id;
  live.engine.close();
  expect(idsIn(path).sort()).toEqual([theirs, mine].sort());
});

test("a damage mark another process left stops an open store's reads and writes; bytes copied over the file lift it", async () => {
  const live = testEngine({ path, encrypted: false });
  live.engine.remember({ content: "written before the mark" });
  live.engine.close();
  const sound = readFileSync(path);
  const open = testEngine({ path, encrypted: false });
  expect(open.engine.list().total).toBe(1);
  markDamaged(path, "PRAGMA quick_check: page 7 is broken (a test)");
  expect(() => open.engine.remember({ content: "refused at once" })).toThrow(expect.objectContaining({ code: "DB_CORRUPT" }));
  await Bun.sleep(600); // reads look for a mark at most twice a second
  expect(() => open.engine.list()).toThrow(expect.objectContaining({ code: "DB_CORRUPT" }));
  // Once seen, every read is refused (none slips through until the next look).
  expect(() => open.engine.list()).toThrow(expect.objectContaining({ code: "DB_CORRUPT" }));
  expect(() => open.engine.stats()).toThrow(expect.objectContaining({ code: "DB_CORRUPT" }));
  expect(() => new SqliteStore(path)).toThrow(expect.objectContaining({ code: "DB_CORRUPT" }));
  // A backup copied over the file, in place (same inode): other bytes, so the mark no longer holds.
  await Bun.sleep(20);
  writeFileSync(path, sound);
  expect(idsIn(path)).toHaveLength(1);
});

test("a file a newer cairn upgraded under an open store is refused, writes at once and reads within a second (QA)", async () => {
  const open = testEngine({ path, encrypted: false });
  open.engine.remember({ content: "written before the upgrade" });
  const newer = new Database(path);
  newer.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
  newer.close();
  expect(() => open.engine.remember({ content: "in this cairn's own format" })).toThrow(expect.objectContaining({ code: "DB_TOO_NEW" }));
  await Bun.sleep(600); // reads look at most twice a second
  expect(() => open.engine.list()).toThrow(expect.objectContaining({ code: "DB_TOO_NEW" }));
  // Once seen, every read is refused (none slips through until the next look).
  expect(() => open.engine.stats()).toThrow(expect.objectContaining({ code: "DB_TOO_NEW" }));
  expect(() => open.engine.list()).toThrow(expect.objectContaining({ code: "DB_TOO_NEW" }));
  open.engine.close();
  const check = new Database(path, { readonly: true });
  expect((check.query("SELECT count(*) AS n FROM memories").get() as { n: number }).n).toBe(1);
  check.close();
});

test("a deleted file becomes a new store at the same path", () => {
  const live = testEngine({ path, encrypted: false });
  live.engine.remember({ content: "gone with the file" });
  rmSync(path);
  const kept = live.engine.remember({ content: "first of the new store" }).id;
  live.engine.close();
  expect(idsIn(path)).toEqual([kept]);
});

test("-wal and -shm deleted: commits still in the WAL are moved into the file before going on", () => {
  const live = testEngine({ path, encrypted: false });
  const before = Array.from({ length: 5 }, (_, i) => live.engine.remember({ content: `before ${i}` }).id);
  for (const f of [`${path}-wal`, `${path}-shm`]) rmSync(f);
  const after = Array.from({ length: 5 }, (_, i) => live.engine.remember({ content: `after ${i}` }).id);
  expect(idsIn(path).sort()).toEqual([...before, ...after].sort());
  live.engine.close();
});

test("the vector change token moves when the file is swapped", () => {
  const live = testEngine({ path, encrypted: false });
  const token = live.store.vectors.changeToken();
  const other = testEngine({ path: join(dir, "other.db"), encrypted: false });
  other.engine.close();
  renameSync(join(dir, "other.db"), path);
  expect(live.store.vectors.changeToken()).not.toBe(token);
  live.engine.close();
});

test("a long-lived store counts accesses only once its integrity check ran: at a quiet moment or before a real write", async () => {
  const seed = testEngine({ path, encrypted: false });
  const id = seed.engine.remember({ content: "the staging cluster runs in eu-west-1" }).id;
  seed.engine.close();
  const count = () => {
    const reader = new SqliteStore(path);
    try {
      return (reader.database.query("SELECT access_count AS n FROM memories WHERE id = ?").get(id) as { n: number }).n;
    } finally {
      reader.close();
    }
  };
  const { Engine } = await import("../../src/engine/engine.ts");
  const store = new SqliteStore(path, { verifyBeforeWrite: true });
  const engine = new Engine({ store, project: "/work/app" });
  const found = async () => (await engine.recall({ query: "staging cluster", mode: "keyword" })).results.map((r) => r.memory.id);
  expect(await found()).toEqual([id]);
  expect(count()).toBe(0); // not counted: the check (a read of the whole file) has not run
  store.checkIntegrityNow();
  expect(await found()).toEqual([id]);
  expect(count()).toBe(1);
  engine.close();
  // A real write runs the check itself, and counting starts.
  const other = new SqliteStore(path, { verifyBeforeWrite: true });
  const engine2 = new Engine({ store: other, project: "/work/app" });
  await engine2.recall({ query: "staging cluster", mode: "keyword" });
  expect(count()).toBe(1);
  engine2.remember({ content: "a later note" });
  await engine2.recall({ query: "staging cluster", mode: "keyword" });
  expect(count()).toBe(2);
  engine2.close();
});

test("a large file is checked on a thread of its own, at a quiet moment or at the first write, which does not wait for it", async () => {
  const seed = testEngine({ path, encrypted: false });
  for (let i = 0; i < 20; i++) seed.engine.remember({ content: `note ${i} about the staging cluster` });
  seed.engine.close();
  const onThisThread = spyOn(Database.prototype, "query");
  const checksHere = () => onThisThread.mock.calls.filter(([sql]) => String(sql).includes("quick_check")).length;
  const { Engine } = await import("../../src/engine/engine.ts");
  const open = () => new SqliteStore(path, { verifyBeforeWrite: true, backgroundCheckFrom: 0 });
  const write = (store: SqliteStore, content: string) => new Engine({ store, project: "/work/app" }).remember({ content });
  /** Waits until the store has the thread's verdict (the event loop must turn for it to arrive). */
  const verdict = async (store: SqliteStore) => {
    for (let i = 0; i < 1500 && !store.integrityChecked; i++) await Bun.sleep(10);
    return store.integrityChecked;
  };
  try {
    // Healthy, checked at a quiet moment: the verdict comes from the thread, writes go on.
    const healthy = open();
    healthy.checkIntegrityNow();
    expect(healthy.integrityChecked).toBe(false); // not before the event loop turns
    expect(await verdict(healthy)).toBe(true);
    write(healthy, "a note after the check");
    healthy.close();
    // A write before any quiet moment starts the thread and goes ahead without waiting for it.
    const early = open();
    write(early, "an early note");
    expect(early.integrityChecked).toBe(false);
    expect(await verdict(early)).toBe(true);
    early.close();
    expect(checksHere()).toBe(0);
    // Damaged: a write before the verdict goes ahead (as a one-shot command's does); once the thread's verdict
    // is in, writes are refused.
    breakLeftLeaf(path);
    const damaged = open();
    write(damaged, "written before the verdict");
    expect(await verdict(damaged)).toBe(true);
    expect(() => write(damaged, "into a damaged file")).toThrow(expect.objectContaining({ code: "DB_CORRUPT" }));
    expect(checksHere()).toBe(0);
    damaged.close();
    // The verdict is kept beside the file: every later open refuses it (store/damage-mark.ts). The close
    // moved the write made before the verdict into the file, so the mark is checked again once, here.
    expect(() => new SqliteStore(path)).toThrow(expect.objectContaining({ code: "DB_CORRUPT" }));
    expect(checksHere()).toBe(1);
    expect(() => new SqliteStore(path)).toThrow(expect.objectContaining({ code: "DB_CORRUPT" }));
    expect(checksHere()).toBe(1);
    clearDamageMark(path);
    // Below the size, the check runs here before the first write, as before.
    const small = new SqliteStore(path, { verifyBeforeWrite: true });
    expect(() => write(small, "into a damaged file")).toThrow(expect.objectContaining({ code: "DB_CORRUPT" }));
    expect(checksHere()).toBe(2);
    small.close();
  } finally {
    onThisThread.mockRestore();
  }
});

test("while other processes write, a long-lived store's check before its first write does not condemn a sound file", async () => {
  // The check once ran on the store's own connection, which had read the full-text index: FTS5 then checked
  // the index as that connection last knew it, and about half the checks reported "fts5: corruption found".
  const seed = testEngine({ path, encrypted: false });
  for (let i = 0; i < 50; i++) seed.engine.remember({ content: `walrus seed ${i}` });
  seed.engine.close();
  const writers = [0, 1].map(() => Bun.spawn([process.execPath, join(REPO_ROOT, "test", "fixtures", "e2e", "write-for.ts"), path, "4000"], { stdout: "pipe", stderr: "pipe" }));
  const { Engine } = await import("../../src/engine/engine.ts");
  const refused: string[] = [];
  let tries = 0;
  await Bun.sleep(500); // the writers are writing
  for (const started = Date.now(); Date.now() - started < 2500; tries++) {
    const store = new SqliteStore(path, { verifyBeforeWrite: true });
    const engine = new Engine({ store, project: "/work/app" });
    await engine.recall({ query: "walrus fact", mode: "keyword" }); // this connection reads the index first
    try {
      engine.remember({ content: `the server's first write ${tries}` });
    } catch (err) {
      refused.push(String(err).slice(0, 160));
    }
    engine.close();
  }
  const written = await Promise.all(writers.map(async (w) => Number((await new Response(w.stdout).text()).trim())));
  expect(written.every((n) => n > 0)).toBe(true);
  expect(tries).toBeGreaterThan(5);
  expect(refused).toEqual([]);
});
