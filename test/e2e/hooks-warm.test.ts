/**
 * @module The warm hook path on the compiled binary: a cold hook starts the daemon, later hooks are served by
 * it with the same output as the cold path (plus what its loaded model adds before a command), many sessions at once lose nothing, and the daemon goes away
 * when idle, when its socket is removed, or when a client of another build arrives; a stale socket or a
 * replaced database never costs a memory.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { askWarm, isServing } from "../../src/hooks/warm/client.ts";
import { buildId } from "../../src/hooks/warm/protocol.ts";
import { CAIRN_BIN, describeRun } from "../helpers/bin.ts";
import { filesUnder } from "../helpers/files.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";

let sb: Sandbox;
let project: string;
let sock: string;
beforeEach(() => {
  sb = createSandbox("cairn-warm-");
  project = sb.project("shop");
  sock = join(sb.cairnHome, "hookd.sock");
});
afterEach(async () => {
  stopDaemons();
  sb.cleanup();
});

const daemons: Array<ReturnType<typeof Bun.spawn>> = [];
function stopDaemons(): void {
  for (const d of daemons.splice(0)) d.kill("SIGKILL");
}

/** Starts `cairn hook --serve` for the sandbox and waits until it accepts connections. */
async function startDaemon(env: Record<string, string> = {}): Promise<ReturnType<typeof Bun.spawn>> {
  const proc = Bun.spawn([CAIRN_BIN, "hook", "--serve"], { env: sb.env({ CAIRN_HOOK_DEBUG: "1", ...env }), stdio: ["ignore", "ignore", "ignore"] });
  daemons.push(proc);
  await waitFor(() => serving(), "the daemon to listen");
  return proc;
}

const serving = () => isServing(sock);

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}

/** One hook as Claude Code runs it; `daemon` picks the warm path (default) or forces cold. */
async function hook(event: string, name: string, vars: Record<string, string>, daemon = "on", env: Record<string, string> = {}): Promise<string> {
  const args = ["hook", event];
  const r = await sb.run(args, { cwd: project, stdin: fixture(name, { cwd: project, ...vars }), env: { CAIRN_HOOK_DAEMON: daemon, CAIRN_HOOK_DEBUG: "1", ...env } });
  expect(r.exitCode, describeRun(args, r)).toBe(0);
  expect(r.stderr, describeRun(args, r)).toBe("");
  return r.stdout;
}

const log = () => (existsSync(join(sb.cairnHome, "hooks.log")) ? readFileSync(join(sb.cairnHome, "hooks.log"), "utf8") : "");
const count = (text: string, needle: string) => text.split(needle).length - 1;

async function seedLesson(): Promise<void> {
  await sb.ok(["remember", "The checkout tests need the stripe-mock container running first", "--type", "lesson"], { cwd: project });
}

describe("warm hook daemon", () => {
  test("a cold hook starts it; the next hooks are served warm with the cold path's output", async () => {
    await seedLesson();
    const prompt = "why do the checkout tests fail with stripe errors?";
    const cold = await hook("prompt", "prompt", { session: "cold-1", prompt }, "off");
    expect(cold).toContain("stripe-mock");

    expect(await hook("prompt", "prompt", { session: "first", prompt })).toBe(cold); // runs cold, starts a daemon
    await waitFor(() => serving(), "the daemon started by the first hook");
    expect(await hook("prompt", "prompt", { session: "warm-1", prompt })).toBe(cold);
    expect(await hook("prompt", "prompt", { session: "warm-2", prompt: "rename the Save button" })).toBe("");
    expect(count(log(), "prompt ok, warm")).toBe(2);
    // The session's state is shared between paths: what the warm path surfaced is not repeated cold.
    expect(await hook("prompt", "prompt", { session: "warm-1", prompt }, "off")).toBe("");
  });

  test("failures, fixes and pre-tool advice: the warm path prints what the cold path prints", async () => {
    const ECONN = "Exit code 1\nsrc/db.ts:12:5 - Error: connect ECONNREFUSED 127.0.0.1:5432";
    const failure = (session: string) => ({ session, command: "npm run test:integration", error: ECONN });
    await hook("post-tool-failure", "post-tool-bash-failure", failure("s1"), "off");
    await hook("post-tool", "post-tool-bash-ok", { session: "s1", command: "docker compose up -d db" }, "off");
    await hook("post-tool", "post-tool-bash-ok", { session: "s1", command: "npm run test:integration" }, "off");
    const cold = {
      failure: await hook("post-tool-failure", "post-tool-bash-failure", failure("cold"), "off"),
      pre: await hook("pre-tool", "pre-tool-bash", { session: "cold-pre", command: "npm run test:integration" }, "off"),
    };
    expect(cold.failure).toContain("docker compose up -d db");
    expect(cold.pre).toContain("docker compose up -d db");
    await startDaemon();
    expect(await hook("post-tool-failure", "post-tool-bash-failure", failure("warm"))).toBe(cold.failure);
    expect(await hook("pre-tool", "pre-tool-bash", { session: "warm-pre", command: "npm run test:integration" })).toBe(cold.pre);
    expect(count(log(), "post-tool ok, warm")).toBe(1);
    expect(count(log(), "pre-tool ok, warm")).toBe(1);
  });

  test("the daemon loads the model: before a command, an error close in meaning that shares two of its words is shown warm, not cold", async () => {
    const upgrade = "`Error: UPGRADE FAILED: another operation is in progress` on the api deploy; fixed with `helm rollback` and re-running the upgrade.";
    await sb.ok(["remember", upgrade, "--type", "error"], { cwd: project });
    await sb.ok(["remember", "Integration tests need Postgres from docker compose", "--type", "fact"], { cwd: project });
    const pre = (session: string, daemon?: string) => hook("pre-tool", "pre-tool-bash", { session, command: "helm upgrade --install api ./chart" }, daemon);
    expect(await pre("cold", "off")).toBe("");
    await startDaemon();
    // The model loads once the daemon has been quiet a moment: until then it answers on keywords, as the
    // cold path does. Each try leaves it quiet long enough.
    let n = 0;
    await waitFor(async () => (await pre(`warm-${n++}`)).includes("UPGRADE FAILED") || (await Bun.sleep(2000), false), "the daemon's model to load", 40_000);
    expect(log()).toContain("pre-tool meaning: ");
    expect(log()).not.toContain("model not loaded");
  });

  test("malformed input is logged once, before the warm/cold split", async () => {
    await startDaemon();
    const r = await sb.run(["hook", "post-tool-failure"], { cwd: project, stdin: "{ not json", env: { CAIRN_HOOK_DEBUG: "1" } });
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, "", ""]);
    expect(count(log(), "malformed input: stdin is not JSON")).toBe(1);
  });

  test("many sessions at once: every capture is stored, nothing fails", async () => {
    await startDaemon();
    const facts = Array.from({ length: 24 }, (_, i) => `remember that service number ${i} listens on port ${7000 + i}`);
    await Promise.all(facts.map((prompt, i) => hook("prompt", "prompt", { session: `s-${i % 6}`, prompt })));
    const listed = await sb.json<{ memories: Array<{ content: string }> }>(["list", "--json", "--limit", "100"], { cwd: project });
    for (let i = 0; i < 24; i++) expect(listed.memories.some((m) => m.content.includes(`port ${7000 + i}`))).toBe(true);
    expect(count(log(), "ok, warm")).toBe(24);
    expect(log()).not.toContain("error");
  });

  test("a large event (1.5 MB of tool output) is read whole on both paths", async () => {
    await startDaemon();
    const noise = "x".repeat(120) + "\n";
    for (const [daemon, port] of [["on", 6101], ["off", 6102]] as const) {
      const error = `Exit code 1\n${noise.repeat(12_000)}Error: connect ECONNREFUSED 127.0.0.1:${port}`;
      await hook("post-tool", "post-tool-bash-failure", { session: `big-${daemon}`, command: `npm run test:int${port}`, error }, daemon);
    }
    const errors = await sb.json<{ memories: Array<{ content: string }> }>(["list", "--type", "error", "--json"], { cwd: project });
    expect(errors.memories.some((m) => m.content.includes("6101"))).toBe(true);
    expect(errors.memories.some((m) => m.content.includes("6102"))).toBe(true);
  });

  test("a 64 MB event is cut to the stated limit, logged, and answered alike on both paths", async () => {
    // Reading 64 MB races the hook's deadline on a loaded machine (then it runs cold, correctly); what this
    // checks is the cut and equal answers, so the deadlines are stretched for both processes.
    const slow = { CAIRN_HOOK_DEADLINE_SCALE: "10" };
    const fail = (session: string, error: string, daemon: string) =>
      hook("post-tool", "post-tool-bash-failure", { session, command: "npm run test:huge", error }, daemon, slow);
    await fail("seen-before", "Exit code 1\nError: connect ECONNREFUSED 127.0.0.1:6201", "off");
    await startDaemon(slow);
    const noise = "x".repeat(120) + "\n";
    // The error is at the end, past 64 MB of output: what is kept of a cut field is mostly its end.
    const huge = `Exit code 1\n${noise.repeat(Math.ceil((64 * 1024 * 1024) / noise.length))}Error: connect ECONNREFUSED 127.0.0.1:6201`;
    const warm = await fail("huge-warm", huge, "on");
    const cold = await fail("huge-cold", huge, "off");
    expect(warm).toContain("this error was seen before");
    expect(warm).toBe(cold);
    expect(log().match(/post-tool event of 64\.\d M characters is over the 4\.0 M limit: 1 field\(s\) longer than 1\.0 M characters cut/g)?.length).toBe(2);
    expect(count(log(), "post-tool ok, warm")).toBe(1);
  });

  test("exits when idle, removing its socket", async () => {
    const d = await startDaemon({ CAIRN_HOOKD_IDLE_MS: "300" });
    expect(await d.exited).toBe(0);
    expect(existsSync(sock)).toBe(false);
  });

  test("exits when its socket is removed (e.g. the data directory was deleted)", async () => {
    const d = await startDaemon();
    rmSync(sock);
    expect(await d.exited).toBe(0);
    expect(log()).toContain("hookd stopping: socket removed or taken over");
  });

  test("exits when its data directory is deleted, without making it again to log that it stopped", async () => {
    const d = await startDaemon();
    rmSync(sb.cairnHome, { recursive: true, force: true });
    expect(await d.exited).toBe(0);
    expect(existsSync(sb.cairnHome)).toBe(false);
  });

  test("one launched for a data directory that was deleted meanwhile exits without recreating it", async () => {
    rmSync(sb.cairnHome, { recursive: true, force: true });
    const d = Bun.spawn([CAIRN_BIN, "hook", "--serve"], { env: sb.env(), stdio: ["ignore", "ignore", "ignore"] });
    daemons.push(d);
    expect(await d.exited).toBe(0);
    expect(existsSync(sb.cairnHome)).toBe(false);
  });

  test("when idle it applies retention and folds near-copies, as `cairn mcp` does", async () => {
    const old = "2020-03-01T00:00:00.000Z";
    const line = { id: "01900000-0000-7000-8000-0000000000c3", content: "ENOSPC writing the build cache", type: "error", project: null, created_at: old, updated_at: old, priority: 3, status: "active" };
    await sb.ok(["import", "-"], { cwd: project, stdin: `${JSON.stringify(line)}\n` });
    await sb.ok(["retention", "set", "--type", "error", "--keep", "90d", "--grace", "0d"], { cwd: project });
    // Near-copies as an import brings them (`remember` would reinforce the first instead of storing the other).
    const copies = ["01900000-0000-7000-8000-0000000000c4", "01900000-0000-7000-8000-0000000000c5"];
    const lines = ["Run `make lint` before every push to main.", "Always run `make lint` before every push to main."].map((content, i) =>
      JSON.stringify({ id: copies[i], content, type: "lesson" }),
    );
    await sb.ok(["import", "-"], { cwd: project, stdin: `${lines.join("\n")}\n` });
    await startDaemon({ CAIRN_IDLE_WORK_MS: "300" });
    const archived = async () => (await sb.json<{ memories: Array<{ id: string }> }>(["list", "--status", "archived", "--all-projects", "--json"], { cwd: project })).memories.map((m) => m.id);
    await waitFor(async () => {
      const ids = await archived();
      return copies.every((c) => ids.includes(c));
    }, "the idle pass to fold the copies", 30_000);
    const log = await sb.json<{ entries: Array<{ actor: string; op: string; memory_id: string }> }>(["audit", "log", "--json"], { cwd: project });
    expect(log.entries.filter((e) => e.op === "consolidate").map((e) => [e.actor, e.memory_id]).sort()).toEqual(copies.map((c) => ["consolidate", c]).sort());
    expect(log.entries.filter((e) => e.op === "purge").map((e) => [e.actor, e.memory_id])).toEqual([["sweep", line.id]]);
  });

  test("steps aside for a client of another build, which then runs cold", async () => {
    const d = await startDaemon();
    const other = await askWarm(sock, { build: "0.0.0-other", event: "prompt", cwd: project, stdin: "{}" }, 2000);
    expect(other.kind).toBe("absent");
    expect(await d.exited).toBe(0);
    expect(existsSync(sock)).toBe(false);
    const same = await askWarm(sock, { build: buildId(CAIRN_BIN), event: "prompt", cwd: project, stdin: "{}" }, 500);
    expect(same.kind).toBe("absent");
  });

  test("a stale socket left by a killed daemon: the hook runs cold and a new daemon takes over", async () => {
    await seedLesson();
    const killed = await startDaemon();
    killed.kill("SIGKILL");
    await killed.exited;
    expect(existsSync(sock)).toBe(true);
    const out = await hook("prompt", "prompt", { session: "after-kill", prompt: "checkout tests fail on stripe" });
    expect(out).toContain("stripe-mock");
    await waitFor(() => serving(), "a new daemon on the stale socket's path");
    await hook("prompt", "prompt", { session: "after-kill-2", prompt: "checkout tests fail on stripe" });
    expect(log()).toContain("prompt ok, warm");
  });

  test("a store encrypted under a running daemon: it steps aside, the event is stored under the key, no session state stays in the clear", async () => {
    const d = await startDaemon();
    await hook("prompt", "prompt", { session: "before", prompt: "remember that the okapiword queue is called oq-main" });
    expect(readFileSync(join(sb.cairnHome, "hooks", "before.json"), "utf8")).toContain("okapiword");
    await sb.ok(["encrypt"], { env: { CAIRN_NO_PROMPT: "1" } });
    // The state written in the clear before is gone with the old encoding.
    expect(existsSync(join(sb.cairnHome, "hooks", "before.json"))).toBe(false);
    await hook("prompt", "prompt", { session: "after", prompt: "remember that the quaggaword cache is called qc-main" });
    expect(await d.exited).toBe(0);
    const listed = await sb.json<{ memories: Array<{ content: string }> }>(["list", "--json"], { cwd: project });
    expect(listed.memories.map((m) => m.content)).toContain("The quaggaword cache is called qc-main.");
    const clear = filesUnder(sb.cairnHome).filter(({ bytes }) => /okapiword|quaggaword/.test(bytes.toString("latin1")));
    expect(clear.map((f) => f.path)).toEqual([]);
  });

  test("a database deleted under a running daemon: new memories go to the new file", async () => {
    await seedLesson();
    await startDaemon();
    await hook("prompt", "prompt", { session: "a", prompt: "remember that the old database had this" });
    for (const f of ["cairn.db", "cairn.db-wal", "cairn.db-shm"]) rmSync(join(sb.cairnHome, f), { force: true });
    await hook("prompt", "prompt", { session: "b", prompt: "remember that the payments queue is called pq-main" });
    const listed = await sb.json<{ memories: Array<{ content: string }> }>(["list", "--json"], { cwd: project });
    expect(listed.memories.map((m) => m.content)).toEqual(["The payments queue is called pq-main."]);
  });
});

describe("hook client fallbacks", () => {
  test("a socket that answers garbage is treated as no daemon", async () => {
    const server = Bun.listen({ unix: join(sb.root, "junk.sock"), socket: { data: (s) => void (s.write("not json\n"), s.end()) } });
    try {
      const r = await askWarm(join(sb.root, "junk.sock"), { build: "x", event: "prompt", cwd: "/", stdin: "{}" }, 2000);
      expect(r.kind).toBe("absent");
    } finally {
      server.stop(true);
    }
  });

  test("an event written over a second late is still served warm: the agent's delay does not make the daemon look stuck (QA)", async () => {
    const daemon = await startDaemon();
    const late = async (event: string, name: string, vars: Record<string, string>, delayMs: number) => {
      const proc = Bun.spawn([CAIRN_BIN, "hook", event], { cwd: project, env: sb.env({ CAIRN_HOOK_DAEMON: "on", CAIRN_HOOK_DEBUG: "1" }), stdin: "pipe", stdout: "pipe", stderr: "pipe" });
      await Bun.sleep(delayMs);
      proc.stdin.write(fixture(name, { cwd: project, ...vars }));
      proc.stdin.end();
      expect(await proc.exited).toBe(0);
      return new Response(proc.stdout).text();
    };
    // pre-tool's whole budget is 3 s: the daemon's reply was due 1.5 s after the hook started.
    await late("pre-tool", "pre-tool-bash", { session: "late-1", command: "npm run test:checkout" }, 1700);
    expect(log()).toContain("pre-tool ok, warm");
    expect(log()).not.toContain("did not");
    expect(daemon.exitCode).toBeNull();
  });

  test("a daemon that takes the event but never answers: a timeout at the reply deadline (the hook then runs cold)", async () => {
    const path = join(sb.root, "mute.sock");
    const server = Bun.listen({ unix: path, socket: { data() {} } });
    try {
      const r = await askWarm(path, { build: "x", event: "prompt", cwd: "/", stdin: "{}" }, { connectMs: 1000, sentMs: 1000, replyMs: 300 });
      expect(r).toMatchObject({ kind: "timeout", phase: "reply" });
    } finally {
      server.stop(true);
    }
  });

  test("a daemon that stops reading: a timeout at the send deadline, not a wait for the reply's", async () => {
    const path = join(sb.root, "full.sock");
    const server = Bun.listen({ unix: path, socket: { open: (s) => s.pause(), data() {} } });
    try {
      const began = performance.now();
      const big = "x".repeat(16 * 1024 * 1024); // far more than a socket buffer holds
      const r = await askWarm(path, { build: "x", event: "prompt", cwd: "/", stdin: big }, { connectMs: 1000, sentMs: 300, replyMs: 5000 });
      expect(r).toMatchObject({ kind: "timeout", phase: "send" });
      expect(performance.now() - began).toBeLessThan(3000);
    } finally {
      server.stop(true);
    }
  });

  test("CAIRN_HOOK_DAEMON=off never starts a daemon", async () => {
    await seedLesson();
    await hook("prompt", "prompt", { session: "off", prompt: "checkout tests fail on stripe" }, "off");
    await Bun.sleep(300);
    expect(existsSync(sock)).toBe(false);
  });
});
