/**
 * @module A store on a full disk (a small tmpfs, filled): writes fail with "full" and nothing half-written,
 * reads and keyword recall keep working (their access counts are skipped), no temporary file is left (a 2.8 MB
 * runtime copy once was), stderr carries one line and never a stack (the MCP server once wrote 787 lines of
 * them), and writes work again once space is freed. Mounting needs root and a sandbox that allows it; elsewhere
 * these tests skip, and test/unit/read-only-store.test.ts covers SQLITE_FULL through SQLite's page limit.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { fillDisk, MOUNTS_ALLOWED, mountTmpfs, unmount } from "../helpers/mounts.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "../e2e/mcp-process.ts";

requireBinary();
setDefaultTimeout(60_000);

const when = MOUNTS_ALLOWED ? "" : " [skipped: mounting is not allowed here]";
let s: Sandbox;
let mnt: string;
let home: string;

beforeEach(() => {
  s = createSandbox();
  mnt = join(s.root, "disk");
  home = join(mnt, "home");
  if (!MOUNTS_ALLOWED) return;
  if (!mountTmpfs(mnt, 1024 * 1024)) throw new Error(`could not mount a tmpfs at ${mnt}`);
  mkdirSync(home);
});
afterEach(() => {
  if (MOUNTS_ALLOWED) unmount(mnt);
  s.cleanup();
});

const onDisk = (args: string[]) => s.run(args, { env: { CAIRN_HOME: home } });
const stderrLines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");
const leftovers = () => (Bun.spawnSync(["find", mnt, "-name", "*.tmp", "-o", "-name", "*.new-*"]).stdout.toString().trim());
const count = async () => (await onDisk(["export"])).stdout.trim().split("\n").filter(Boolean).length;

test.skipIf(!MOUNTS_ALLOWED)(`CLI: reads and recall work, remember fails with "full" in one line, nothing is left behind${when}`, async () => {
  for (const content of ["we use pnpm for packages", "the deploy runs on fridays", "pnpm workspaces hold the services"]) {
    expect((await onDisk(["remember", "--", content])).exitCode).toBe(0);
  }
  fillDisk(join(mnt, "fill"));

  const recall = await onDisk(["recall", "pnpm", "--mode", "keyword", "--json"]);
  expect(recall.exitCode).toBe(0);
  expect(JSON.parse(recall.stdout).results).toHaveLength(2);
  expect(stderrLines(recall.stderr)).toEqual([expect.stringMatching(/^cairn warn: the disk of .* is full .*recall works, but access counts are not recorded/)]);

  const remember = await onDisk(["remember", "--json", "--", "a fact for a full disk"]);
  expect(remember.exitCode).toBe(1);
  expect(JSON.parse(remember.stdout).error.code).toBe("DB_FULL");
  const lines = stderrLines(remember.stderr);
  expect(lines).toEqual([expect.stringMatching(/^cairn: The disk holding the memory database ".*" is full .*nothing was stored/)]);

  // The default mode loads the model, whose runtime is copied to the cache on this same disk: it cannot be.
  const hybrid = await onDisk(["recall", "deploy"]);
  expect({ exit: hybrid.exitCode, internal: hybrid.stderr.includes("Internal error"), stack: /^\s+at /m.test(hybrid.stderr) }).toEqual({
    exit: 0,
    internal: false,
    stack: false,
  });
  expect(hybrid.stdout).toContain("the deploy runs on fridays");
  for (const args of [["list"], ["stats"], ["export"]]) expect((await onDisk(args)).exitCode).toBe(0);
  expect(leftovers()).toBe("");
  expect(await count()).toBe(3);

  rmSync(join(mnt, "fill"));
  expect((await onDisk(["remember", "--", "a fact once space is free"])).exitCode).toBe(0);
  expect(await count()).toBe(4);
});

test.skipIf(!MOUNTS_ALLOWED)(`MCP: a disk filling under the server refuses writes in one log line and loses no acknowledged one${when}`, async () => {
  const mcp = new McpProcess(requireBinary(), { home, cwd: s.cwd, env: s.env({ CAIRN_HOME: home }) });
  const acknowledged: string[] = [];
  try {
    await mcp.initialize();
    const remember = async (content: string) => {
      const reply = await mcp.call("remember", { content });
      if (!reply.result.isError) acknowledged.push(reply.result.structuredContent.id);
      return reply.result;
    };
    for (let i = 0; i < 3; i++) expect((await remember(`harbour crane fact ${i}`)).isError ?? false).toBe(false);
    fillDisk(join(mnt, "fill"));
    for (let i = 0; i < 5; i++) {
      const refused = await remember(`harbour crane fact while full ${i} ${"cargo ".repeat(400)}`);
      expect(refused.isError).toBe(true);
      expect(refused.content[0].text).toMatch(/is full .*nothing was stored or changed\. The recall, list and get tools still work/);
    }
    for (const mode of ["keyword", "hybrid"]) {
      const recall = await mcp.call("recall", { query: "harbour crane", mode });
      expect({ mode, error: recall.result.isError ?? false }).toEqual({ mode, error: false });
      expect(recall.result.structuredContent.results.length).toBeGreaterThanOrEqual(3);
    }
    expect(leftovers()).toBe("");
    rmSync(join(mnt, "fill"));
    expect((await remember("harbour crane fact after space was freed")).isError ?? false).toBe(false);
    mcp.closeStdin();
    expect(await mcp.exited).toBe(0);
    const lines = stderrLines(mcp.stderr);
    expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(2);
  } finally {
    await mcp.kill();
  }
  const stored = (await onDisk(["export"])).stdout.trim().split("\n").map((l) => JSON.parse(l).id);
  expect(stored.sort()).toEqual(acknowledged.sort());
});

test.skipIf(!MOUNTS_ALLOWED)(`a server started on a full disk reads, refuses writes, and writes once space is freed${when}`, async () => {
  expect((await onDisk(["remember", "--", "harbour crane fact before the disk filled"])).exitCode).toBe(0);
  fillDisk(join(mnt, "fill"));
  const mcp = new McpProcess(requireBinary(), { home, cwd: s.cwd, env: s.env({ CAIRN_HOME: home }) });
  try {
    await mcp.initialize();
    expect((await mcp.call("recall", { query: "harbour crane", mode: "keyword" })).result.structuredContent.results).toHaveLength(1);
    const refused = await mcp.call("remember", { content: "harbour crane fact while full" });
    expect(refused.result.isError).toBe(true);
    expect(refused.result.content[0].text).toMatch(/is full /);
    rmSync(join(mnt, "fill"));
    expect((await mcp.call("remember", { content: "harbour crane fact after space was freed" })).result.isError ?? false).toBe(false);
    mcp.closeStdin();
    expect(await mcp.exited).toBe(0);
    expect(stderrLines(mcp.stderr).filter((l) => /^\s+at /.test(l))).toEqual([]);
  } finally {
    await mcp.kill();
  }
  expect(await count()).toBe(2);
});

test.skipIf(!MOUNTS_ALLOWED)(`forget --hard and encrypt on a full disk say so in one line, change nothing and leave no file behind (QA)${when}`, async () => {
  const made = await onDisk(["remember", "--json", "--", "the harbour crane lifts forty tonnes"]);
  const id = JSON.parse(made.stdout).id as string;
  fillDisk(join(mnt, "fill"));
  const erase = await onDisk(["forget", id, "--hard", "--yes"]);
  expect(erase.exitCode).toBe(1);
  expect(stderrLines(erase.stderr)).toEqual([expect.stringMatching(/^cairn: The disk holding the memory database ".*" is full .*nothing was stored or changed/)]);
  const encrypt = await onDisk(["encrypt"]);
  expect(encrypt.exitCode).toBe(1);
  expect(stderrLines(encrypt.stderr).filter((l) => !l.startsWith("re-encoding"))).toEqual([expect.stringMatching(/is full .*nothing was stored or changed/)]);
  expect(leftovers()).toBe("");
  expect(Bun.spawnSync(["find", mnt, "-name", "*.backup-*"]).stdout.toString().trim()).toBe("");
  rmSync(join(mnt, "fill"));
  expect((await onDisk(["get", id])).stdout).toContain("the harbour crane lifts forty tonnes");
  expect((await onDisk(["forget", id, "--hard", "--yes"])).exitCode).toBe(0);
  expect(await count()).toBe(0);
});

test.skipIf(!MOUNTS_ALLOWED)(`a hook capture on a full disk fails open and leaves no temp file; one made once space is back is stored (QA)${when}`, async () => {
  expect((await onDisk(["remember", "--", "the harbour crane lifts forty tonnes"])).exitCode).toBe(0);
  fillDisk(join(mnt, "fill"));
  const prompt = (session: string, text: string) =>
    s.run(["hook", "prompt"], { env: { CAIRN_HOME: home, CAIRN_HOOK_DAEMON: "off" }, stdin: JSON.stringify({ session_id: session, cwd: s.cwd, hook_event_name: "UserPromptSubmit", prompt: text }) });
  for (const session of ["full-1", "full-2"]) {
    const r = await prompt(session, "We decided to use fullmark1q as the tracing backend.");
    expect({ exit: r.exitCode, stdout: r.stdout }).toEqual({ exit: 0, stdout: "" });
  }
  expect(leftovers()).toBe("");
  rmSync(join(mnt, "fill"));
  expect((await prompt("full-3", "We decided to use otelspan7 as the metrics backend.")).exitCode).toBe(0);
  expect((await onDisk(["export", "--all-projects"])).stdout).toContain("otelspan7");
});
