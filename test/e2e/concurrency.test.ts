/**
 * @module Many writers, one database file: 8 processes remembering at once must lose nothing and never surface
 * "database is locked"; the compiled binary checks the result (stats, list, doctor).
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { REPO_ROOT, requireBinary } from "../helpers/bin.ts";
import { inspectDb } from "../helpers/db.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { drain, waitForLine } from "../helpers/streams.ts";

requireBinary();
// bunfig's [test] timeout is not applied by this Bun; real processes on a busy 2-core machine need room.
setDefaultTimeout(90_000);

const WORKERS = 8;
const PER_WORKER = 200;
const CHILD = join(REPO_ROOT, "test", "fixtures", "e2e", "remember-loop.ts");

let s: Sandbox;
beforeEach(() => {
  s = createSandbox();
});
afterEach(() => s.cleanup());

test(`${WORKERS} processes × ${PER_WORKER} remembers through the Engine: all stored, none locked`, async () => {
  // Under `bun test`, process.execPath is the bun binary, which runs the TypeScript child directly.
  const children = Array.from({ length: WORKERS }, (_, w) =>
    Bun.spawn([process.execPath, CHILD, String(w), String(PER_WORKER)], {
      cwd: s.cwd,
      env: s.env(),
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    }),
  );
  await Promise.all(children.map((c) => waitForLine(c.stdout, /^ready$/, 30_000)));
  for (const c of children) {
    c.stdin.write("go\n");
    await c.stdin.end();
  }
  const outcomes = await Promise.all(
    children.map(async (c) => {
      const [stdout, stderr, exit] = await Promise.all([drain(c.stdout), drain(c.stderr), c.exited]);
      return { exit, stderr, summary: stdout.trim().split("\n").pop() ?? "" };
    }),
  );
  for (const o of outcomes) {
    expect(o.stderr).not.toMatch(/database is locked|SQLITE_BUSY/i);
    expect(JSON.parse(o.summary)).toMatchObject({ created: PER_WORKER, errorCount: 0 });
    expect(o.exit).toBe(0);
  }

  const total = WORKERS * PER_WORKER;
  expect((await s.json<{ total: number }>(["stats", "--json"])).total).toBe(total);
  const listed = await s.json<{ total: number; memories: Array<{ content: string }> }>(["list", "--all-projects", "--limit", "1000", "--json"]);
  expect(listed.total).toBe(total);
  for (let w = 0; w < WORKERS; w++) {
    const mine = await s.json<{ total: number }>(["list", "--all-projects", "--tags", `w${w}`, "--limit", "1", "--json"]);
    expect({ worker: w, count: mine.total }).toEqual({ worker: w, count: PER_WORKER });
  }
  expect((await s.json<{ ok: boolean }>(["doctor", "--json"])).ok).toBe(true);
  const facts = inspectDb(join(s.cairnHome, "cairn.db"));
  expect(facts).toEqual({ integrity: ["ok"], memories: total, ftsMissing: 0, ftsOrphans: 0, ftsCheckError: null });
});

test("8 concurrent loops of the compiled binary: every remember succeeds and is stored once", async () => {
  const perLoop = 8;
  const loop = async (w: number) => {
    const failures: string[] = [];
    for (let i = 0; i < perLoop; i++) {
      const r = await s.run(["remember", `binary worker ${w} note ${i} token b${w}n${i}`, "--json"]);
      if (r.exitCode !== 0 || /locked|busy/i.test(r.stderr)) failures.push(`${r.exitCode}: ${r.stderr.trim()}`);
    }
    return failures;
  };
  const failures = (await Promise.all(Array.from({ length: WORKERS }, (_, w) => loop(w)))).flat();
  expect(failures).toEqual([]);
  expect((await s.json<{ total: number }>(["stats", "--json"])).total).toBe(WORKERS * perLoop);
  expect((await s.json<{ ok: boolean }>(["doctor", "--json"])).ok).toBe(true);
});
