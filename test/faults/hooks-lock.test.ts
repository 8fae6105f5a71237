/**
 * @module Hooks while another process holds the database's write lock (BEGIN IMMEDIATE): read-only events answer
 * promptly on both paths, and a capture that cannot get the lock is kept in the session state and logged instead
 * of stalling the hook — and, in the daemon, every other session's hooks; the session's next prompt writes it.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DEADLINE_MS } from "../../src/hooks/deadlines.ts";
import { requireBinary } from "../helpers/bin.ts";
import { fixture } from "../hooks/helpers.ts";
import { type HookFaults, hookFaults, PROMPT } from "./hook-faults.ts";

requireBinary();
setDefaultTimeout(60_000);

let w: HookFaults;
let holder: ReturnType<typeof Bun.spawn> | null = null;
beforeEach(async () => {
  w = await hookFaults();
});
afterEach(() => {
  holder?.kill("SIGKILL");
  holder = null;
  w.cleanup();
});

async function holdLock(): Promise<void> {
  holder = Bun.spawn([process.execPath, join(import.meta.dir, "hold-write-lock.ts"), join(w.sb.cairnHome, "cairn.db")], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const first = await (holder.stdout as ReadableStream<Uint8Array>).getReader().read();
  expect(new TextDecoder().decode(first.value)).toBe("locked\n");
}

test("warm: read-only hooks answer promptly, a capture is skipped and logged, other sessions are not stalled", async () => {
  const cold = { prompt: (await w.prompt("cold-p", "off")).out, pre: (await w.preTool("cold-t", "off")).out };
  await w.startDaemon();
  await w.prompt("warm-up"); // the daemon's first write check and page-in, outside the measured part
  await holdLock();
  const [capture, read, pre] = await Promise.all([
    w.prompt("s-capture", "on", "remember that the billing cron runs at 02:00 UTC"),
    w.prompt("s-read"),
    w.preTool("s-pre"),
  ]);
  expect(read.out).toBe(cold.prompt);
  expect(pre.out).toBe(cold.pre);
  expect(capture.out).toBe("");
  // Far inside the 3–5 s deadlines: before, every one of them waited 5.2 s behind the capture's lock wait.
  for (const r of [capture, read, pre]) expect(r.ms).toBeLessThan(2000);
  expect(w.log()).toContain("prompt capture kept for the session's next write: another process held the database's write lock");
  expect(w.log()).not.toContain("did not answer");

  (holder!.stdin as import("bun").FileSink).end();
  await holder!.exited;
  await w.prompt("s-capture-2", "on", "remember that the deploy cron runs at 03:00 UTC");
  let listed = await w.sb.json<{ memories: Array<{ content: string }> }>(["list", "--json"], { cwd: w.project });
  expect(listed.memories.map((m) => m.content)).toContain("The deploy cron runs at 03:00 UTC.");
  expect(listed.memories.map((m) => m.content)).not.toContain("The billing cron runs at 02:00 UTC.");
  // The session that could not write its capture writes it with its next prompt (it was lost before).
  await w.prompt("s-capture", "on");
  listed = await w.sb.json<{ memories: Array<{ content: string }> }>(["list", "--json"], { cwd: w.project });
  expect(listed.memories.map((m) => m.content)).toContain("The billing cron runs at 02:00 UTC.");
});

test("cold: a capture gives up within the deadline and the prompt is still answered", async () => {
  const expected = (await w.prompt("cold-ref", "off")).out;
  expect(expected).toContain("stripe-mock");
  await holdLock();
  const r = await w.prompt("cold-locked", "off", `${PROMPT} remember that the deploy cron runs at 03:00 UTC`);
  expect(r.out).toBe(expected);
  expect(r.ms).toBeLessThan(DEADLINE_MS.prompt);
  expect(w.log()).toContain("prompt capture kept for the session's next write");
  (holder!.stdin as import("bun").FileSink).end();
  await holder!.exited;
  await w.prompt("cold-locked", "off");
  const listed = await w.sb.json<{ memories: Array<{ content: string }> }>(["list", "--json"], { cwd: w.project });
  expect(listed.memories.map((m) => m.content)).toContain("The deploy cron runs at 03:00 UTC.");
});

/** The error memory holding `errorWords` and the lesson holding `lessonWords` are stored, the lesson linked `fixes` to it. */
async function expectFixLinked(errorWords: string, lessonWords: string): Promise<void> {
  const listed = await w.sb.json<{ memories: Array<{ id: string; type: string; content: string }> }>(["list", "--json"], { cwd: w.project });
  const err = listed.memories.find((m) => m.type === "error" && m.content.includes(errorWords));
  const lesson = listed.memories.find((m) => m.type === "lesson" && m.content.includes(lessonWords));
  expect(err).toBeDefined();
  expect(lesson).toBeDefined();
  const graph = await w.sb.json<{ edges: Array<{ from: string; to: string; relation: string }> }>(["graph", lesson!.id, "--json"], { cwd: w.project });
  expect(graph.edges).toContainEqual(expect.objectContaining({ from: lesson!.id, to: err!.id, relation: "fixes" }));
}

test("cold: a failing command's error and the lesson of its fix, met by the lock, are kept and written linked", async () => {
  const command = "cargo build --release";
  const error = "Exit code 101\nerror[E0433]: failed to resolve: use of undeclared crate `serde_json`";
  const failure = { session: "cold-fix", command, error };
  await holdLock();
  await w.hook("post-tool-failure", "post-tool-bash-failure", failure, "off");
  expect(w.log()).toContain("error capture kept for the session's next write");
  const before = await w.sb.json<{ memories: Array<{ content: string }> }>(["list", "--json"], { cwd: w.project });
  expect(before.memories.some((m) => m.content.includes("E0433"))).toBe(false);
  // The fix succeeds while the lock is still held: the lesson is kept too.
  await w.hook("post-tool", "post-tool-bash-ok", { session: "cold-fix", command }, "off");
  expect(w.log()).toContain("lesson kept for the session's next write");
  (holder!.stdin as import("bun").FileSink).end();
  await holder!.exited;
  await w.hook("stop", "stop", { session: "cold-fix" }, "off");
  await expectFixLinked("E0433", "E0433");
});

test("cold: an error kept under the lock is written by the command's next outcome, and its fix links to it", async () => {
  const command = "go test ./...";
  const error = "Exit code 1\npanic: runtime error: invalid memory address or nil pointer dereference";
  await holdLock();
  await w.hook("post-tool-failure", "post-tool-bash-failure", { session: "cold-fix2", command, error }, "off");
  (holder!.stdin as import("bun").FileSink).end();
  await holder!.exited;
  await w.hook("post-tool", "post-tool-bash-ok", { session: "cold-fix2", command }, "off");
  await expectFixLinked("nil pointer", "go test");
});

test("cold: captures SessionEnd cannot write either are written by the next session that starts, in their own project", async () => {
  await holdLock();
  await w.prompt("ended-locked", "off", "from now on always use black to format python files");
  const ended = await w.hook("session-end", "session-end", { session: "ended-locked" }, "off");
  expect(w.log()).toContain("session-end kept captures kept for the session's next write");
  // One lock wait (500 ms cold), not one per write (three waits take 1.5 s at least: SessionEnd's whole budget).
  expect(w.log().match(/session-end [\w ]+? (?:kept for|skipped)/g)).toHaveLength(3);
  expect(ended.ms).toBeLessThan(1500);
  const hooksDir = join(w.sb.cairnHome, "hooks");
  expect(readdirSync(hooksDir).filter((n) => n.startsWith("ended."))).toHaveLength(1);
  (holder!.stdin as import("bun").FileSink).end();
  await holder!.exited;
  // Another session, started from another folder: the capture keeps the project it was stated in.
  const elsewhere = w.sb.project("elsewhere");
  const r = await w.sb.run(["hook", "session-start"], { cwd: elsewhere, stdin: fixture("session-start", { cwd: elsewhere, session: "next-one" }), env: { CAIRN_HOOK_DAEMON: "off" } });
  expect(r.exitCode).toBe(0);
  const listed = await w.sb.json<{ memories: Array<{ content: string; project: string | null; session_id: string }> }>(["list", "--json", "--all-projects"], { cwd: w.project });
  const black = listed.memories.filter((m) => /black to format python/i.test(m.content));
  expect(black).toHaveLength(1);
  expect(black[0]).toMatchObject({ project: expect.stringMatching(/\/shop$/), session_id: "ended-locked" });
  expect(readdirSync(hooksDir).filter((n) => n.startsWith("ended."))).toEqual([]);
});
