/** @module Test helper: the compiled `dist/cairn` binary, and running it as a real process with a clean environment. */
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The repository root (this file is test/helpers/bin.ts). */
export const REPO_ROOT = join(import.meta.dir, "..", "..");

/** Path of the compiled binary that every e2e test exercises (CAIRN_E2E_BIN points the suite at another build). */
export const CAIRN_BIN = process.env.CAIRN_E2E_BIN || join(REPO_ROOT, "dist", "cairn");

/** Fails loudly (once, at import) when the binary was not built, instead of a confusing ENOENT per test. */
export function requireBinary(): string {
  if (!existsSync(CAIRN_BIN)) throw new Error(`${CAIRN_BIN} is missing: run \`npm run build\` before the e2e tests.`);
  return CAIRN_BIN;
}

export interface RunOptions {
  /** The whole environment of the child (nothing is inherited); see {@link baseEnv}. */
  env: Record<string, string>;
  cwd: string;
  /** Text (or raw bytes) piped to stdin; stdin is /dev/null when omitted. */
  stdin?: string | Uint8Array;
  /** Another executable to run instead of dist/cairn (e.g. a copy of it). */
  bin?: string;
  /** Kill the child after this long; a hang then fails the test quickly and visibly. */
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signalCode: string | null;
}

/** Runs the binary to completion and collects its output. */
export async function run(args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const proc = Bun.spawn([opts.bin ?? requireBinary(), ...args], {
    cwd: opts.cwd,
    env: opts.env,
    stdin: opts.stdin === undefined ? "ignore" : typeof opts.stdin === "string" ? new TextEncoder().encode(opts.stdin) : opts.stdin,
    stdout: "pipe",
    stderr: "pipe",
    timeout: opts.timeoutMs ?? 30_000,
    killSignal: "SIGKILL",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { stdout, stderr, exitCode, signalCode: proc.signalCode === null ? null : String(proc.signalCode) };
}

/**
 * A minimal environment: only PATH, HOME and CAIRN_HOME, so no CAIRN_* setting or XDG directory of the
 * machine running the tests leaks into the child. The background embedding worker is off (each write would
 * otherwise load a model in another process while the suite runs); test/e2e/vectors-on-write.test.ts and
 * the telemetry test turn it on.
 */
export function baseEnv(home: string, cairnHome: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, CAIRN_HOME: cairnHome, CAIRN_EMBED_WORKER: "off", ...extra };
}

/** Describes a result for assertion messages, so a failing exit code shows what the binary said. */
export function describeRun(args: readonly string[], r: RunResult): string {
  return `cairn ${args.join(" ")} → exit ${r.exitCode}${r.signalCode ? ` (${r.signalCode})` : ""}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
}
