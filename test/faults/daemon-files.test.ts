/**
 * @module The warm hook daemon (`cairn hook --serve`) whose database loses its -wal/-shm files, or is replaced, under
 * it: memories captured through it before and after are all found by a fresh `cairn` process.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isServing } from "../../src/hooks/warm/client.ts";
import { CAIRN_BIN, describeRun, requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";

requireBinary();
setDefaultTimeout(60_000);

let sb: Sandbox;
let project: string;
let daemon: ReturnType<typeof Bun.spawn> | undefined;
beforeEach(async () => {
  sb = createSandbox("cairn-faults-");
  project = sb.project("shop");
  await sb.ok(["remember", "--", "The checkout tests need the stripe-mock container"], { cwd: project });
  daemon = Bun.spawn([CAIRN_BIN, "hook", "--serve"], { env: sb.env({ CAIRN_HOOK_DEBUG: "1" }), stdio: ["ignore", "ignore", "ignore"] });
  const until = Date.now() + 10_000;
  while (!(await isServing(join(sb.cairnHome, "hookd.sock")))) {
    if (Date.now() > until) throw new Error("the daemon did not start listening");
    await Bun.sleep(20);
  }
});
afterEach(() => {
  daemon?.kill("SIGKILL");
  sb.cleanup();
});

/** A prompt hook served warm by the daemon (the hooks log says so). */
async function say(session: string, prompt: string): Promise<void> {
  const args = ["hook", "prompt"];
  const r = await sb.run(args, { cwd: project, stdin: fixture("prompt", { cwd: project, session, prompt }), env: { CAIRN_HOOK_DEBUG: "1" } });
  expect(r.exitCode, describeRun(args, r)).toBe(0);
  const log = readFileSync(join(sb.cairnHome, "hooks.log"), "utf8");
  expect(log.split("prompt ok, warm").length - 1).toBeGreaterThan(0);
}

const stored = async (): Promise<string[]> =>
  ((await sb.json(["list", "--json", "--limit", "100"], { cwd: project })).memories as Array<{ content: string }>).map((m) => m.content);

test("-wal and -shm deleted under the daemon: memories captured before and after are all kept", async () => {
  const db = join(sb.cairnHome, "cairn.db");
  await say("a", "remember that the payments queue is called pq-main");
  expect(existsSync(`${db}-wal`)).toBe(true);
  for (const f of [`${db}-wal`, `${db}-shm`]) rmSync(f);
  await say("b", "remember that the billing cron runs at 02:00 UTC");
  const all = await stored();
  expect(all).toContain("The payments queue is called pq-main.");
  expect(all).toContain("The billing cron runs at 02:00 UTC.");
  expect(all).toContain("The checkout tests need the stripe-mock container");
});

test("database replaced under the daemon: later captures go to the replacement", async () => {
  const other = createSandbox("cairn-faults-other-");
  try {
    await other.ok(["remember", "--", "the replacement's own memory"], { cwd: project });
    await say("a", "remember that the payments queue is called pq-main");
    renameSync(join(other.cairnHome, "cairn.db"), join(sb.cairnHome, "cairn.db"));
    await say("b", "remember that the billing cron runs at 02:00 UTC");
    const all = await stored();
    expect(all).toContain("the replacement's own memory");
    expect(all).toContain("The billing cron runs at 02:00 UTC.");
  } finally {
    other.cleanup();
  }
});
