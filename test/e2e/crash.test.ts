/**
 * @module Crash safety: SIGKILL in the middle of a large import's write transaction must leave a sound database
 * holding all of the import or none of it, with the full-text index matching the table, and cairn usable after.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CAIRN_BIN, requireBinary } from "../helpers/bin.ts";
import { inspectDb } from "../helpers/db.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { drain, waitForLine } from "../helpers/streams.ts";

requireBinary();
setDefaultTimeout(90_000);

const LINES = 50_000;
const WORDS = "cache deploy index query vector river stone cloud agent build test schema migrate lock retry queue token budget".split(" ");

/** Varied, deterministic JSONL: distinct content, several types and tags, some event times. */
function bigJsonl(n: number): string {
  const types = ["note", "fact", "decision", "lesson"];
  const out: string[] = [];
  let seed = 42;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 8 + (i % 9) }, () => WORDS[next() % WORDS.length]).join(" ");
    out.push(
      JSON.stringify({
        content: `bulk ${i}: ${words}`,
        type: types[i % types.length],
        tags: [`batch${i % 5}`],
        ...(i % 3 === 0 ? { event_time: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() } : {}),
      }),
    );
  }
  return `${out.join("\n")}\n`;
}

let s: Sandbox;
beforeEach(() => {
  s = createSandbox();
});
afterEach(() => s.cleanup());

test("SIGKILL during a large import leaves all or nothing, a sound database and a matching index", async () => {
  await s.ok(["remember", "present before the crash"]);
  const file = join(s.root, "big.jsonl");
  writeFileSync(file, bigJsonl(LINES));

  const proc = Bun.spawn([CAIRN_BIN, "import", file], { cwd: s.cwd, env: s.env(), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const stdout = drain(proc.stdout);
  // The first progress line is written from inside the single write transaction: the import is mid-write.
  const { line } = await waitForLine(proc.stderr, /^import: \d+ lines written, /, 60_000);
  proc.kill("SIGKILL");
  await proc.exited;
  await stdout;
  expect(proc.signalCode).toBe("SIGKILL");
  expect(Number(/\d+/.exec(line)![0])).toBeLessThan(LINES);

  const dbFile = join(s.cairnHome, "cairn.db");
  const facts = inspectDb(dbFile);
  expect(facts.integrity).toEqual(["ok"]);
  expect(facts.ftsCheckError).toBeNull();
  expect(facts.ftsMissing).toBe(0);
  expect(facts.ftsOrphans).toBe(0);
  expect([1, 1 + LINES]).toContain(facts.memories);

  const doctor = await s.json<{ ok: boolean }>(["doctor", "--json"]);
  expect(doctor.ok).toBe(true);
  const before = (await s.json<{ total: number }>(["stats", "--json"])).total;
  expect(before).toBe(facts.memories);

  const small = join(s.root, "small.jsonl");
  writeFileSync(small, Array.from({ length: 50 }, (_, i) => JSON.stringify({ content: `after the crash ${i}` })).join("\n"));
  const report = await s.json<{ created: number }>(["import", small, "--json"]);
  expect(report.created).toBe(50);
  expect((await s.json<{ total: number }>(["stats", "--json"])).total).toBe(before + 50);
  expect((await s.json<{ results: unknown[] }>(["recall", "after the crash", "--json"])).results.length).toBeGreaterThan(0);
  expect(inspectDb(dbFile)).toMatchObject({ integrity: ["ok"], ftsMissing: 0, ftsOrphans: 0, ftsCheckError: null });
});
