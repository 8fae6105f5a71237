/**
 * @module A store on a read-only disk (a read-only bind mount of a real store): recall, list, get, export, stats
 * and the MCP read tools work, access counts are skipped with one stderr line, writes fail with a clear error
 * and change nothing. Every command once failed here with "EROFS … chmod". Mounting needs root and a sandbox
 * that allows it; elsewhere these tests skip, and test/unit/read-only-store.test.ts covers the same paths
 * through the store's read-only seam.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { bindReadOnly, MOUNTS_ALLOWED, remountWritable, unmount } from "../helpers/mounts.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "../e2e/mcp-process.ts";

requireBinary();
setDefaultTimeout(60_000);

const when = MOUNTS_ALLOWED ? "" : " [skipped: mounting is not allowed here]";
let s: Sandbox;
let ro: string;
let ids: string[];

beforeEach(async () => {
  s = createSandbox();
  ids = [];
  for (const content of ["we use pnpm for packages", "the deploy runs on fridays", "pnpm workspaces hold the services"]) {
    ids.push((await s.json(["remember", "--json", "--", content])).id);
  }
  ro = join(s.root, "ro");
  if (MOUNTS_ALLOWED && !bindReadOnly(s.cairnHome, ro)) throw new Error(`could not bind ${s.cairnHome} read-only at ${ro}`);
});
afterEach(() => {
  if (MOUNTS_ALLOWED) unmount(ro);
  s.cleanup();
});

/** Runs cairn against the read-only view of the store. */
const onRo = (args: string[]) => s.run(args, { env: { CAIRN_HOME: ro } });
const stderrLines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");

test.skipIf(!MOUNTS_ALLOWED)(`CLI reads work with one warning line; writes fail clearly and change nothing${when}`, async () => {
  const before = readFileSync(join(s.cairnHome, "cairn.db"));
  const recall = await onRo(["recall", "pnpm", "--mode", "keyword", "--json"]);
  expect(recall.exitCode).toBe(0);
  expect(JSON.parse(recall.stdout).results).toHaveLength(2);
  expect(stderrLines(recall.stderr)).toEqual([expect.stringMatching(/^cairn warn: the memory database is read-only \(.*read-only file system\): recall works/)]);

  for (const args of [["list", "--json"], ["get", ids[0]!, "--json"], ["export"], ["stats", "--json"], ["recall", "deploy"]]) {
    const r = await onRo(args);
    expect({ args, exit: r.exitCode, internal: r.stderr.includes("Internal error") }).toEqual({ args, exit: 0, internal: false });
  }
  expect((await onRo(["export"])).stdout.trim().split("\n")).toHaveLength(3);

  const remember = await onRo(["remember", "--json", "--", "a fact for a read-only disk"]);
  expect(remember.exitCode).toBe(1);
  expect(JSON.parse(remember.stdout).error.code).toBe("DB_READ_ONLY");
  expect(stderrLines(remember.stderr)).toEqual([expect.stringMatching(/^cairn: The memory database ".*" is read-only .*needs write access to /)]);
  expect((await onRo(["forget", ids[1]!])).exitCode).toBe(1);
  expect(readFileSync(join(s.cairnHome, "cairn.db")).equals(before)).toBe(true);
});

test.skipIf(!MOUNTS_ALLOWED)(`what a writer on the writable side just committed is read through the read-only view${when}`, async () => {
  // The writer keeps the database open, so its -wal and -shm are there: the read-only view uses them.
  const writer = new McpProcess(requireBinary(), { home: s.cairnHome, cwd: s.cwd, env: s.env() });
  try {
    await writer.initialize();
    const reply = await writer.call("remember", { content: "the cache is flushed at midnight" });
    expect(reply.result.structuredContent.status).toBe("created");
    const r = await onRo(["recall", "midnight", "--mode", "keyword", "--json"]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: { content: string }) => x.content)).toEqual(["the cache is flushed at midnight"]);
  } finally {
    await writer.kill();
  }
});

test.skipIf(!MOUNTS_ALLOWED)(`the MCP server answers read tools and refuses writes, with no stack on stderr${when}`, async () => {
  const mcp = new McpProcess(requireBinary(), { home: ro, cwd: s.cwd, env: s.env({ CAIRN_HOME: ro }) });
  try {
    await mcp.initialize();
    for (let i = 0; i < 3; i++) {
      const recall = await mcp.call("recall", { query: "pnpm", mode: "keyword" });
      expect(recall.result.structuredContent.results).toHaveLength(2);
    }
    expect((await mcp.call("get", { id: ids[0] })).result.structuredContent.memory.content).toBe("we use pnpm for packages");
    expect((await mcp.call("list", {})).result.structuredContent.memories).toHaveLength(3);
    const remember = await mcp.call("remember", { content: "cannot be stored here" });
    expect(remember.result.isError).toBe(true);
    expect(remember.result.content[0].text).toMatch(/is read-only .*The recall, list and get tools still work/);
    mcp.closeStdin();
    expect(await mcp.exited).toBe(0);
    expect(stderrLines(mcp.stderr)).toEqual([expect.stringMatching(/access counts are not recorded/)]);
  } finally {
    await mcp.kill();
  }
});

test.skipIf(!MOUNTS_ALLOWED)(`a server started on a read-only disk writes once the disk is writable again${when}`, async () => {
  const mcp = new McpProcess(requireBinary(), { home: ro, cwd: s.cwd, env: s.env({ CAIRN_HOME: ro }) });
  try {
    await mcp.initialize();
    expect((await mcp.call("remember", { content: "refused while read-only" })).result.isError).toBe(true);
    expect(remountWritable(ro)).toBe(true);
    const reply = await mcp.call("remember", { content: "stored once the disk is writable" });
    expect(reply.result.isError ?? false).toBe(false);
    mcp.closeStdin();
    expect(await mcp.exited).toBe(0);
  } finally {
    await mcp.kill();
  }
  const stored = (await s.run(["export"])).stdout;
  expect(stored).toContain("stored once the disk is writable");
  expect(stored).not.toContain("refused while read-only");
});

test.skipIf(!MOUNTS_ALLOWED)(`doctor --repair on a read-only disk says so and changes nothing, no Internal error${when}`, async () => {
  const r = await onRo(["doctor", "--repair", "--json"]);
  expect(r.exitCode).toBe(1);
  const repair = (JSON.parse(r.stdout) as { checks: Array<{ name: string; level: string; detail: string }> }).checks.find((c) => c.name === "repair");
  expect(repair).toMatchObject({ level: "fail", detail: expect.stringMatching(/^cannot repair: .*read-only file system/) });
  expect(r.stderr).not.toContain("Internal error");
});

test.skipIf(!MOUNTS_ALLOWED)(`doctor on a read-only disk says the integrity check could not run (not damage) and marks nothing${when}`, async () => {
  const r = await onRo(["doctor", "--json"]);
  const checks = (JSON.parse(r.stdout) as { checks: Array<{ name: string; level: string; detail: string }> }).checks;
  const integrity = checks.find((c) => c.name === "integrity");
  if (integrity?.level === "fail") {
    expect(integrity.detail).toContain("this is not damage");
    expect(integrity.detail).not.toContain("Restore the file from a backup");
  }
  expect(existsSync(join(s.cairnHome, "cairn.db.damaged"))).toBe(false);
});

test.skipIf(!MOUNTS_ALLOWED)(`config set and models use on a read-only disk say the file cannot be written, in one line (QA: "Internal error: EROFS")${when}`, async () => {
  for (const args of [["config", "set", "limit", "5"], ["models", "use", "use-lite"]]) {
    const r = await onRo(args);
    expect({ args, exit: r.exitCode }).toEqual({ args, exit: 1 });
    expect(stderrLines(r.stderr)).toEqual([expect.stringMatching(/^cairn: Cannot write the configuration file .*config\.json \(EROFS\); nothing was changed/)]);
  }
  expect(existsSync(join(s.cairnHome, "config.json"))).toBe(false);
});
