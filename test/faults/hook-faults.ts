/**
 * @module Test helper for hook fault tests: a sandbox with two seeded lessons, hooks run through the binary and
 * timed, the daemon's pid file, and cleanup that resumes and kills every process a test stopped or started.
 */
import { expect } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isServing } from "../../src/hooks/warm/client.ts";
import { CAIRN_BIN, describeRun } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";

export const PROMPT = "why do the checkout tests fail with stripe errors?";
export const COMMAND = "npm run test:integration";

export interface HookFaults {
  sb: Sandbox;
  project: string;
  sock: string;
  /** Pids resumed (SIGCONT) and killed in cleanup. */
  pids: Set<number>;
  log(): string;
  daemonPid(): number | null;
  startDaemon(): Promise<number>;
  hook(event: string, name: string, vars: Record<string, string>, daemon?: string): Promise<{ out: string; ms: number }>;
  prompt(session: string, daemon?: string, text?: string): Promise<{ out: string; ms: number }>;
  preTool(session: string, daemon?: string): Promise<{ out: string; ms: number }>;
  cleanup(): void;
}

export async function hookFaults(): Promise<HookFaults> {
  const sb = createSandbox("cairn-hookfault-");
  const project = sb.project("shop");
  const sock = join(sb.cairnHome, "hookd.sock");
  const pids = new Set<number>();
  await sb.ok(["remember", "--type", "lesson", "--", "The checkout tests need the stripe-mock container running first"], { cwd: project });
  await sb.ok(["remember", "--type", "lesson", "--", `${COMMAND} needs the database: docker compose up -d db first`], { cwd: project });
  const logFile = join(sb.cairnHome, "hooks.log");
  const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  const daemonPid = (): number | null => {
    try {
      return Number(readFileSync(join(sb.cairnHome, "hookd.pid"), "utf8").split(" ")[0]) || null;
    } catch {
      return null;
    }
  };
  const hook = async (event: string, name: string, vars: Record<string, string>, daemon = "on") => {
    const args = ["hook", event];
    const began = performance.now();
    const env = { CAIRN_HOOK_DAEMON: daemon, CAIRN_HOOK_DEBUG: "1" };
    const r = await sb.run(args, { cwd: project, stdin: fixture(name, { cwd: project, ...vars }), env });
    const ms = performance.now() - began;
    expect(r.exitCode, describeRun(args, r)).toBe(0);
    expect(r.stderr, describeRun(args, r)).toBe("");
    return { out: r.stdout, ms };
  };
  return {
    sb,
    project,
    sock,
    pids,
    log,
    daemonPid,
    async startDaemon() {
      const proc = Bun.spawn([CAIRN_BIN, "hook", "--serve"], { env: sb.env({ CAIRN_HOOK_DEBUG: "1" }), stdio: ["ignore", "ignore", "ignore"] });
      pids.add(proc.pid);
      await waitFor(async () => (await isServing(sock)) && daemonPid() === proc.pid, "the daemon to listen", log);
      return proc.pid;
    },
    hook,
    prompt: (session, daemon, text = PROMPT) => hook("prompt", "prompt", { session, prompt: text }, daemon),
    preTool: (session, daemon) => hook("pre-tool", "pre-tool-bash", { session, command: COMMAND }, daemon),
    cleanup() {
      const daemon = daemonPid();
      if (daemon) pids.add(daemon);
      for (const pid of pids) {
        for (const sig of ["SIGCONT", "SIGKILL"] as const) {
          try {
            process.kill(pid, sig);
          } catch {
            // already gone
          }
        }
      }
      sb.cleanup();
    },
  };
}

export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, log: () => string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\nhooks.log:\n${log()}`);
    await Bun.sleep(25);
  }
}

/** False once `pid` has exited (a zombie counts as gone: /proc says so on Linux, where these tests run). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}
