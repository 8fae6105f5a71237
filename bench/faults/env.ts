/** @module The fault campaign's shared pieces: options, throwaway data directories, running the binary, the ledger of trials and lost writes, and checks from a fresh process. */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspectDb } from "../../test/helpers/db.ts";
import { Rng } from "../rng.ts";

export interface Options {
  bin: string;
  /** Trials per SIGKILL operation (files scenarios run a fifth as many per case, at least 1). */
  trials: number;
  /** Fuzz inputs in all (CLI, MCP and hook). */
  fuzz: number;
  seed: number;
  quick: boolean;
  /** Only these scenario groups (kill, files, disk, fuzz); empty = all. */
  only: string[];
}

export interface Outcome {
  trials: number;
  failures: string[];
  /** Writes reported as done (CLI exit 0, MCP success, hook answered without a logged error). */
  acknowledged: number;
  /** Of those, missing when a fresh process looked. */
  lost: number;
  /** Trials whose process our SIGKILL ended before it answered. */
  interrupted: number;
  skipped?: string;
}

/** One row of the summary per scenario. */
export class Ledger {
  readonly rows = new Map<string, Outcome>();

  row(name: string): Outcome {
    let o = this.rows.get(name);
    if (!o) this.rows.set(name, (o = { trials: 0, failures: [], acknowledged: 0, lost: 0, interrupted: 0 }));
    return o;
  }

  skip(name: string, reason: string): void {
    this.row(name).skipped = reason;
  }

  /** Records a failure; the first few of each row are printed as they happen. */
  fail(name: string, what: string): void {
    const o = this.row(name);
    o.failures.push(what);
    if (o.failures.length <= 5) progress(`  FAIL ${name}: ${what}`);
  }
}

export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A temp root for the whole run, removed at the end (daemons in it then exit within ~2 s). */
export function makeRoot(): string {
  return mkdtempSync(join(tmpdir(), "cairn-faults-"));
}

export function removeRoot(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

export interface Home {
  dir: string;
  cwd: string;
  env: Record<string, string>;
  db: string;
}

let homes = 0;

/** A fresh data directory and working directory under `root`. */
export function makeHome(root: string, extraEnv: Record<string, string> = {}): Home {
  const dir = join(root, `home-${++homes}`);
  const cwd = join(root, `cwd-${homes}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  mkdirSync(cwd, { recursive: true });
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, CAIRN_HOME: dir, CAIRN_EMBED_WORKER: "off", CAIRN_HOOK_DAEMON: "off", ...extraEnv };
  return { dir, cwd, env, db: join(dir, "cairn.db") };
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
}

/** Runs the binary to completion (killed after `timeoutMs`). `prefix` runs it under another command (nsenter). */
export async function run(
  bin: string,
  home: Home,
  args: readonly string[],
  opts: { stdin?: string | Uint8Array; env?: Record<string, string>; timeoutMs?: number; prefix?: string[] } = {},
): Promise<RunResult> {
  const proc = Bun.spawn([...(opts.prefix ?? []), bin, ...args], {
    cwd: home.cwd,
    env: { ...home.env, ...opts.env },
    stdin: opts.stdin === undefined ? "ignore" : typeof opts.stdin === "string" ? new TextEncoder().encode(opts.stdin) : opts.stdin,
    stdout: "pipe",
    stderr: "pipe",
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: "SIGKILL",
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, exitCode, signal: proc.signalCode === null ? null : String(proc.signalCode) };
}

/** Every memory a fresh `cairn export` sees: id → content. Null when export itself failed (with why). */
export async function exported(bin: string, home: Home, prefix?: string[]): Promise<Map<string, string> | string> {
  const r = await run(bin, home, ["export"], { prefix });
  if (r.exitCode !== 0) return `export exited ${r.exitCode ?? r.signal}: ${firstLine(r.stderr)}`;
  const out = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    if (line.trim() === "") continue;
    const m = JSON.parse(line) as { id: string; content: string };
    out.set(m.id, m.content);
  }
  return out;
}

/** What is wrong with the database file as bun:sqlite sees it (integrity, FTS in step), or null. Call with no writer alive. */
export function dbProblem(file: string): string | null {
  try {
    const facts = inspectDb(file);
    if (facts.integrity.join(",") !== "ok") return `integrity_check: ${facts.integrity.slice(0, 3).join("; ")}`;
    if (facts.ftsCheckError) return `fts integrity-check: ${facts.ftsCheckError}`;
    if (facts.ftsMissing > 0 || facts.ftsOrphans > 0) return `fts out of step: ${facts.ftsMissing} missing, ${facts.ftsOrphans} orphans`;
    return null;
  } catch (err) {
    return `cannot inspect: ${err instanceof Error ? err.message : String(err)}`;
  }
}

export function firstLine(text: string): string {
  return (text.trim().split("\n")[0] ?? "").slice(0, 300);
}

/** A stack frame as Bun or V8 prints one. */
export const STACK_FRAME = /^\s+at .+[:(]/m;

export function rngFor(opts: Options, salt: number): Rng {
  return new Rng((opts.seed ^ Math.imul(salt, 0x9e3779b1)) >>> 0);
}

/** Resolves when `check` holds; false on timeout. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) return false;
    await Bun.sleep(5);
  }
  return true;
}
