/**
 * @module Empty, truncated and damaged database files: never silently a new store, never "Internal error".
 * A file truncated to 0 bytes used to become an empty store (`doctor` exit 0); `doctor` on a damaged file
 * crashed with "Internal error"; a running server went on acknowledging writes into a damaged file.
 */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { breakLeftLeaf } from "../helpers/damage.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "../e2e/mcp-process.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
let db: string;
beforeEach(async () => {
  s = createSandbox();
  db = join(s.cairnHome, "cairn.db");
  const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ content: `harbour crane fact ${i}: ${"cargo ".repeat(i % 7)}lifted` }));
  writeFileSync(join(s.root, "seed.jsonl"), `${lines.join("\n")}\n`);
  await s.ok(["import", join(s.root, "seed.jsonl"), "--no-embed"]);
});
afterEach(() => s.cleanup());

/** A command's JSON error and exit code (commands print `{ error: { code, message } }` under --json). */
async function failure(args: string[]): Promise<{ exit: number | null; code: string; message: string }> {
  const r = await s.run([...args, "--json"]);
  const parsed = JSON.parse(r.stdout || "{}");
  return { exit: r.exitCode, code: parsed.error?.code ?? "", message: parsed.error?.message ?? "" };
}

async function doctor(): Promise<{ exit: number | null; checks: Record<string, { level: string; detail: string }> }> {
  const r = await s.run(["doctor", "--json"]);
  expect(r.stderr).not.toContain("Internal error");
  const report = JSON.parse(r.stdout) as { checks: Array<{ name: string; level: string; detail: string }> };
  return { exit: r.exitCode, checks: Object.fromEntries(report.checks.map((c) => [c.name, c])) };
}

describe("a file truncated to 0 bytes", () => {
  test("is refused by writes and reads, stays 0 bytes, and doctor fails with what to do", async () => {
    truncateSync(db, 0);
    for (const args of [["remember", "--", "a new memory"], ["recall", "--", "harbour"], ["list"]]) {
      const f = await failure(args);
      expect(f).toMatchObject({ exit: 1, code: "DB_EMPTY" });
      expect(f.message).toContain(db);
      expect(f.message).toMatch(/backup/);
    }
    expect(statSync(db).size).toBe(0);
    const d = await doctor();
    expect(d.exit).toBe(1);
    expect(d.checks.database).toMatchObject({ level: "fail" });
    expect(d.checks.database!.detail).toMatch(/empty \(0 bytes\)/);
  });

  test("a missing file is still a new store, created non-empty", async () => {
    s.cleanup();
    s = createSandbox();
    db = join(s.cairnHome, "cairn.db");
    await s.ok(["remember", "--", "first memory of a new store"]);
    expect(statSync(db).size).toBeGreaterThan(0);
    expect((await s.json(["list", "--json"])).memories).toHaveLength(1);
  });
});

describe("a file cut short or not a database", () => {
  test("half a file is refused at open; doctor says it was cut short", async () => {
    truncateSync(db, Math.floor(statSync(db).size / 2 / 4096) * 4096);
    expect(await failure(["remember", "--", "x"])).toMatchObject({ exit: 1, code: "DB_CORRUPT" });
    const d = await doctor();
    expect(d.exit).toBe(1);
    expect(d.checks.database!.detail).toMatch(/cut short/);
    expect(d.checks.database!.detail).toMatch(/doctor --repair/);
  });

  test("a text file in its place is refused", async () => {
    writeFileSync(db, "these are my notes, not a database\n".repeat(200));
    expect(await failure(["recall", "--", "notes"])).toMatchObject({ exit: 1, code: "DB_CORRUPT" });
  });
});

describe("a damaged page", () => {
  test("doctor reports the failed check and the way out, exit 1, no Internal error", async () => {
    breakLeftLeaf(db);
    const d = await doctor();
    expect(d.exit).toBe(1);
    expect(d.checks.integrity).toMatchObject({ level: "fail" });
    expect(d.checks.integrity!.detail).toMatch(/doctor --repair/);
  });

  test("commands that meet the damage fail with DB_CORRUPT, not Internal error", async () => {
    breakLeftLeaf(db);
    const f = await failure(["list", "--limit", "1000"]);
    expect(f).toMatchObject({ exit: 1, code: "DB_CORRUPT" });
    expect(f.message).not.toContain("Internal error");
  });

  test("a running server refuses to write into it, and the file stays as it was", async () => {
    breakLeftLeaf(db);
    const before = readFileSync(db);
    const mcp = new McpProcess(requireBinary(), { home: s.cairnHome, cwd: s.cwd, env: s.env() });
    try {
      await mcp.initialize();
      const reply = await mcp.call("remember", { content: "written into a damaged file" });
      expect(reply.result.isError).toBe(true);
      expect(reply.result.content[0].text).toMatch(/damaged.*Ask the user.*`cairn doctor` in its repair mode/s);
      mcp.closeStdin();
      expect(await mcp.exited).toBe(0);
    } finally {
      await mcp.kill();
    }
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  test("once a command meets the damage, every later command refuses the file, reads too, until doctor --repair", async () => {
    breakLeftLeaf(db);
    // A write that touches no broken page goes through unchecked (one-shot commands do not check the whole file).
    expect((await s.run(["remember", "written before anything met the damage"])).exitCode).toBe(0);
    expect(await failure(["list", "--limit", "1000"])).toMatchObject({ exit: 1, code: "DB_CORRUPT" });
    const before = readFileSync(db);
    const write = await failure(["remember", "written after a command met the damage"]);
    expect(write).toMatchObject({ exit: 1, code: "DB_CORRUPT" });
    expect(write.message).toMatch(/PRAGMA quick_check: Tree \d+ page \d+.*\(found 20\d\d-/);
    expect(await failure(["recall", "harbour crane", "--mode", "keyword"])).toMatchObject({ exit: 1, code: "DB_CORRUPT" });
    expect(readFileSync(db).equals(before)).toBe(true);
    expect((await doctor()).checks.database).toMatchObject({ level: "fail" });
    expect((await s.run(["doctor", "--repair"])).exitCode).toBe(0);
    expect((await s.run(["remember", "written after the repair"])).exitCode).toBe(0);
  });

  test("the background embedding worker a one-shot write starts checks the file and marks it damaged", async () => {
    breakLeftLeaf(db);
    const worker = await s.run(["models", "reembed", "--background"]);
    expect(worker.exitCode).toBe(1);
    expect(worker.stderr).toContain("is damaged"); // in reembed.log, where `cairn logs` shows it
    expect(await failure(["remember", "written after the worker checked"])).toMatchObject({ exit: 1, code: "DB_CORRUPT" });
  });
});
