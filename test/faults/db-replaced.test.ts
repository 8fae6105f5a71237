/**
 * @module A running `cairn mcp` whose database is deleted or replaced, or loses its -wal and -shm files, under
 * it: every write it acknowledges afterwards must be found by a fresh `cairn` process (it once kept writing
 * to the unlinked file, and 10 of 10 later writes were gone). Losing only -wal/-shm must lose nothing at all:
 * the server still holds the WAL open and moves it into the database before going on.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "../e2e/mcp-process.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
let mcp: McpProcess;
let db: string;
beforeEach(async () => {
  s = createSandbox();
  db = join(s.cairnHome, "cairn.db");
  mcp = new McpProcess(requireBinary(), { home: s.cairnHome, cwd: s.cwd, env: s.env() });
  await mcp.initialize();
});
afterEach(async () => {
  await mcp.kill();
  s.cleanup();
});

/** Remembers through the server; returns the id it acknowledged. */
async function remember(content: string): Promise<string> {
  const reply = await mcp.call("remember", { content });
  expect(reply.result?.isError ?? false).toBe(false);
  expect(reply.result.structuredContent.status).toBe("created");
  return reply.result.structuredContent.id;
}

async function rememberMany(label: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await remember(`${label} fact number ${i} about the harbour crane`));
  return ids;
}

/** Ids a fresh process finds, of those asked for. */
async function found(ids: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) if ((await s.run(["get", id, "--json"])).exitCode === 0) out.push(id);
  return out;
}

/** A fresh process sees a sound database (integrity, FTS and tags all consistent). */
async function expectHealthy(): Promise<void> {
  const report = JSON.parse((await s.run(["doctor", "--json"])).stdout) as { checks: Array<{ name: string; level: string }> };
  const levels = Object.fromEntries(report.checks.map((c) => [c.name, c.level]));
  expect({ integrity: levels.integrity, fts: levels["fts index"], tags: levels.tags }).toEqual({ integrity: "ok", fts: "ok", tags: "ok" });
}

/** The server lives on: a recall still answers, and its stdout stayed JSON-RPC. */
async function expectServerAlive(): Promise<void> {
  const reply = await mcp.call("recall", { query: "harbour crane", mode: "keyword" });
  expect(reply.result?.isError ?? false).toBe(false);
  mcp.assertAllStdoutIsJsonRpc();
}

test("database file deleted: later writes go to a new store at that path", async () => {
  const before = await rememberMany("before", 3);
  rmSync(db);
  const after = await rememberMany("after", 5);
  expect(await found(after)).toEqual(after);
  expect(await found(before)).toEqual([]);
  await expectServerAlive();
  await expectHealthy();
});

test("database file and its -wal and -shm deleted: later writes go to a new store", async () => {
  await rememberMany("before", 3);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const after = await rememberMany("after", 5);
  expect(await found(after)).toEqual(after);
  await expectServerAlive();
  await expectHealthy();
});

test("database file replaced by another store: later writes go to the replacement, which keeps its own memories", async () => {
  await rememberMany("before", 3);
  const other = createSandbox();
  try {
    const theirs = (await other.json(["remember", "--json", "--", "the replacement store's own memory"])).id as string;
    // Stop the other store's writers so its file is complete on its own, then move it into place.
    renameSync(join(other.cairnHome, "cairn.db"), `${db}.new`);
    renameSync(`${db}.new`, db);
    const after = await rememberMany("after", 5);
    expect(await found([theirs, ...after])).toEqual([theirs, ...after]);
    await expectServerAlive();
    await expectHealthy();
  } finally {
    other.cleanup();
  }
});

test("-wal and -shm deleted under the server: nothing acknowledged is lost, before or after", async () => {
  const before = await rememberMany("before", 20);
  for (const f of [`${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const after = await rememberMany("after", 20);
  expect(await found([...before, ...after])).toEqual([...before, ...after]);
  await expectServerAlive();
  await expectHealthy();
});

test("-wal deleted alone: nothing acknowledged is lost", async () => {
  const before = await rememberMany("before", 10);
  rmSync(`${db}-wal`);
  const after = await rememberMany("after", 10);
  expect(await found([...before, ...after])).toEqual([...before, ...after]);
  await expectHealthy();
});

test("-shm deleted alone: nothing acknowledged is lost", async () => {
  const before = await rememberMany("before", 10);
  rmSync(`${db}-shm`);
  const after = await rememberMany("after", 10);
  expect(await found([...before, ...after])).toEqual([...before, ...after]);
  await expectHealthy();
});

test("database deleted, then a one-shot cairn writes before the server does: both writes land in the new store", async () => {
  const before = await rememberMany("before", 3);
  rmSync(db);
  // The -wal and -shm left at the path belong to the deleted file; the new store must not read them.
  const cli = (await s.json(["remember", "--json", "--", "written by the CLI after the deletion"])).id as string;
  const after = await rememberMany("after", 3);
  expect(await found([cli, ...after])).toEqual([cli, ...after]);
  expect(await found(before)).toEqual([]);
  await expectHealthy();
});

test("a -wal left by a killed server is not read into a new store after the database was deleted", async () => {
  const before = await rememberMany("before", 5);
  await mcp.kill(); // SIGKILL: its last commits stay in the -wal, never checkpointed
  rmSync(db);
  const fresh = (await s.json(["remember", "--json", "--", "the first memory of the new store"])).id as string;
  expect(await found([fresh, ...before])).toEqual([fresh]);
  await expectHealthy();
});

test("database replaced by an empty file: writes are refused with DB_EMPTY until the user deletes it", async () => {
  await rememberMany("before", 2);
  writeFileSync(`${db}.empty`, "");
  renameSync(`${db}.empty`, db);
  const refused = await mcp.call("remember", { content: "not stored anywhere" });
  expect(refused.result.isError).toBe(true);
  expect(refused.result.content[0].text).toMatch(/is empty \(0 bytes\)/);
  expect((await mcp.call("recall", { query: "harbour", mode: "keyword" })).result.isError).toBe(true);
  rmSync(db);
  const after = await rememberMany("after", 2);
  expect(await found(after)).toEqual(after);
  await expectServerAlive();
});
