/**
 * @module A long schema upgrade is never run by a hook (no timer of its can fire during a migration: the first
 * prompt after an upgrade on a 1M store waited 17 s). A large store of an older schema: the hook answers
 * nothing at once and starts the background worker, which upgrades it; the next hook is answered as usual.
 * The store option itself: deferred only for a large file of an older, non-empty schema. `cairn mcp` upgrades
 * such a store on a thread of its own: initialize and tools/list are answered meanwhile, tool calls wait.
 */
import { Database } from "bun:sqlite";
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { LONG_UPGRADE_FROM_BYTES, migrate, SCHEMA_VERSION, schemaVersion } from "../../src/store/migrations.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { requireBinary } from "../helpers/bin.ts";
import { BUSY_TIMEOUT_MS } from "../../src/store/db.ts";
import { McpProcess } from "../e2e/mcp-process.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";

const BIN = requireBinary();
setDefaultTimeout(90_000);

let s: Sandbox;
beforeEach(() => {
  s = createSandbox("cairn-upgrade-");
});
afterEach(() => s.cleanup());

/** A store at schema `version` holding one memory, its file grown past `bytes` (free pages, as deletions leave). */
function olderStore(path: string, version: number, bytes: number, project: string): void {
  const raw = new Database(path, { create: true, strict: true });
  raw.run("PRAGMA journal_mode = WAL");
  migrate(raw, version);
  raw.run(`INSERT INTO memories (id, content, type, tags, project, created_at, updated_at, priority, content_hash, canonical_hash)
           VALUES ('01900000-0000-7000-8000-000000000001', 'Deploys to staging go through the blue-green switch in the deploy script', 'decision', '[]', ?, 1, 1, 3, 'h', 'c')`, [project]);
  raw.run("INSERT INTO memories_fts (rowid, content, tags) VALUES (1, 'Deploys to staging go through the blue-green switch in the deploy script', '')");
  raw.run("CREATE TABLE scratch (x BLOB)");
  const rows = Math.ceil(bytes / 4000) + 64;
  raw.run(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}) INSERT INTO scratch SELECT randomblob(4000) FROM n`);
  raw.run("PRAGMA wal_checkpoint(TRUNCATE)");
  raw.run("DROP TABLE scratch");
  raw.run("PRAGMA wal_checkpoint(TRUNCATE)");
  raw.close();
  expect(statSync(path).size).toBeGreaterThanOrEqual(bytes);
}

const versionOf = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    // The worker's upgrade may hold the file while this polls it (SQLITE_BUSY on a loaded machine): wait, as cairn does.
    db.run("PRAGMA busy_timeout = 10000");
    return schemaVersion(db);
  } finally {
    db.close();
  }
};

test("deferUpgrade refuses only a large file of an older, non-empty schema; without it, or small, the store is upgraded", () => {
  const large = join(s.root, "large.db");
  olderStore(large, SCHEMA_VERSION - 1, LONG_UPGRADE_FROM_BYTES, "/p");
  expect(() => new SqliteStore(large, { deferUpgrade: true })).toThrow(expect.objectContaining({ code: "DB_UPGRADE_PENDING" }));
  expect(versionOf(large)).toBe(SCHEMA_VERSION - 1);
  new SqliteStore(large).close();
  expect(versionOf(large)).toBe(SCHEMA_VERSION);
  const small = join(s.root, "small.db");
  olderStore(small, SCHEMA_VERSION - 1, 1 << 20, "/p");
  new SqliteStore(small, { deferUpgrade: true }).close();
  expect(versionOf(small)).toBe(SCHEMA_VERSION);
  // A new store (version 0) is created whatever the option: a hook's first write makes one.
  new SqliteStore(join(s.root, "new.db"), { deferUpgrade: true }).close();
  expect(versionOf(join(s.root, "new.db"))).toBe(SCHEMA_VERSION);
});

test("a hook on a large store of an older schema answers nothing at once and the background worker upgrades it", async () => {
  const project = s.project("shop");
  const db = join(s.cairnHome, "cairn.db");
  olderStore(db, SCHEMA_VERSION - 1, LONG_UPGRADE_FROM_BYTES, project);
  const prompt = fixture("prompt", { cwd: project, prompt: "how do deploys to staging work here?" });
  const env = { CAIRN_HOOK_DAEMON: "off", CAIRN_EMBED_WORKER: "on" };
  const first = await s.run(["hook", "prompt"], { cwd: project, stdin: prompt, env });
  expect(first.exitCode).toBe(0);
  expect(first.stdout).toBe("");
  // The worker upgrades the store in the background.
  const until = Date.now() + 60_000;
  while (versionOf(db) !== SCHEMA_VERSION && Date.now() < until) await Bun.sleep(200);
  expect(versionOf(db)).toBe(SCHEMA_VERSION);
  const next = await s.run(["hook", "prompt"], { cwd: project, stdin: prompt, env });
  expect(next.exitCode).toBe(0);
  expect(next.stdout).toContain("blue-green switch");
});

test("cairn mcp on a large store of an older schema answers at once while the upgrade waits, and its first recall waits for the upgrade", async () => {
  const project = s.project("shop");
  const db = join(s.cairnHome, "cairn.db");
  olderStore(db, SCHEMA_VERSION - 1, LONG_UPGRADE_FROM_BYTES, project);
  // Another process holds the write lock: the upgrade cannot start until it lets go.
  const holder = new Database(db);
  holder.run("BEGIN IMMEDIATE");
  const mcp = new McpProcess(BIN, { home: s.cairnHome, cwd: project, env: s.env({ CAIRN_EMBED_WORKER: "off" }) });
  try {
    // Upgrading on the server's own thread, nothing was answered before the lock wait ran out (10 s).
    const soon = <T>(p: Promise<T>, what: string) =>
      Promise.race([p, Bun.sleep(BUSY_TIMEOUT_MS * 0.8).then(() => Promise.reject(new Error(`${what} was not answered while the upgrade waited`)))]);
    const init = await soon(mcp.initialize(), "initialize");
    expect(init.result.serverInfo.name).toBe("cairn");
    const tools = await soon(mcp.request("tools/list"), "tools/list");
    expect(tools.result.tools.map((t: { name: string }) => t.name)).toContain("recall");
    expect(versionOf(db)).toBe(SCHEMA_VERSION - 1);
    const recall = mcp.call("recall", { query: "how do deploys to staging work" });
    await Bun.sleep(300);
    expect(mcp.messages.some((m) => m.id === 3)).toBe(false); // waiting for the store
    holder.run("COMMIT");
    const answer = await recall;
    expect(JSON.stringify(answer.result.structuredContent)).toContain("blue-green switch");
    expect(versionOf(db)).toBe(SCHEMA_VERSION);
    mcp.assertAllStdoutIsJsonRpc();
  } finally {
    if (holder.inTransaction) holder.run("ROLLBACK");
    holder.close();
    await mcp.kill();
  }
});
