/**
 * @module Test helper: a throwaway world per test — temp root, CAIRN_HOME, HOME, working directory, git-like
 * project directories — with `run`/`json`/`ok` bound to it, and cleanup.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseEnv, describeRun, run, type RunResult } from "./bin.ts";

export interface CallOptions {
  cwd?: string;
  stdin?: string | Uint8Array;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface Sandbox {
  root: string;
  /** CAIRN_HOME of this sandbox: an empty directory, as a user makes one (cairn refuses to read a missing one). */
  cairnHome: string;
  home: string;
  /** Default working directory: a plain directory, not inside any project. */
  cwd: string;
  env(extra?: Record<string, string>): Record<string, string>;
  /** A directory holding `.git`, so cairn treats it as a project root. Returns its real path. */
  project(name: string): string;
  run(args: readonly string[], opts?: CallOptions): Promise<RunResult>;
  /** Runs a command that must exit 0 and print one JSON document; returns it parsed. */
  json<T = any>(args: readonly string[], opts?: CallOptions): Promise<T>;
  /** Runs a command that must exit 0; returns the result. */
  ok(args: readonly string[], opts?: CallOptions): Promise<RunResult>;
  cleanup(): void;
}

/** What `cairn doctor --json` prints. */
export interface DoctorReport {
  checks: Array<{ name: string; level: string; detail: string }>;
}

/** Makes a fresh sandbox; call `cleanup()` in afterEach. */
export function createSandbox(prefix = "cairn-e2e-"): Sandbox {
  // realpath: cairn reports projects by their real path, and tmpdir() may be a symlink (macOS).
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const cairnHome = join(root, "cairn-home");
  const home = join(root, "home");
  const cwd = join(root, "cwd");
  mkdirSync(cairnHome, { mode: 0o700 });
  mkdirSync(home);
  mkdirSync(cwd);
  const sandbox: Sandbox = {
    root,
    cairnHome,
    home,
    cwd,
    env: (extra = {}) => baseEnv(home, cairnHome, extra),
    project(name) {
      const dir = join(root, "projects", name);
      mkdirSync(join(dir, ".git"), { recursive: true });
      return realpathSync(dir);
    },
    run: (args, opts = {}) =>
      run(args, { cwd: opts.cwd ?? cwd, env: sandbox.env(opts.env), stdin: opts.stdin, timeoutMs: opts.timeoutMs }),
    async ok(args, opts) {
      const r = await sandbox.run(args, opts);
      if (r.exitCode !== 0) throw new Error(describeRun(args, r));
      return r;
    },
    async json(args, opts) {
      const r = await sandbox.ok(args, opts);
      try {
        return JSON.parse(r.stdout);
      } catch {
        throw new Error(`stdout is not one JSON document:\n${describeRun(args, r)}`);
      }
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  return sandbox;
}
