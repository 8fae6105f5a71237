/** @module Test helper for `cairn setup`: a temp HOME and project per test, fixture copying, and runSetup bound to them. */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ClientId } from "../../src/setup/plan.ts";
import { runSetup, type SetupOptions, type SetupReport } from "../../src/setup/run.ts";

export const FIXTURES = join(import.meta.dir, "..", "fixtures", "setup");

export interface World {
  root: string;
  home: string;
  project: string;
  /** An executable named cairn, so hook commands look like the real thing. */
  bin: string;
  /** Copies a fixture to a path under the world (relative to root), creating folders. */
  fixture(name: string, to: string): string;
  write(to: string, text: string): string;
  read(path: string): string;
  /** Every file under a directory (recursive), to prove a dry run wrote nothing. */
  snapshot(): Record<string, string>;
  setup(opts?: Partial<SetupOptions> & { client?: ClientId | ClientId[] }): SetupReport;
  cleanup(): void;
}

export function createWorld(): World {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "cairn-setup-")));
  const home = join(root, "home");
  const project = join(root, "project");
  const bin = join(root, "bin", "cairn");
  mkdirSync(home);
  mkdirSync(join(project, ".git"), { recursive: true });
  mkdirSync(dirname(bin));
  writeFileSync(bin, "#!/bin/sh\n");
  chmodSync(bin, 0o755);
  const at = (to: string) => {
    const path = join(root, to);
    mkdirSync(dirname(path), { recursive: true });
    return path;
  };
  const world: World = {
    root,
    home,
    project,
    bin,
    fixture: (name, to) => {
      const path = at(to);
      copyFileSync(join(FIXTURES, name), path);
      return path;
    },
    write: (to, text) => {
      const path = at(to);
      writeFileSync(path, text);
      return path;
    },
    read: (path) => readFileSync(path, "utf8"),
    snapshot() {
      const out: Record<string, string> = {};
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const p = join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else out[p] = readFileSync(p, "utf8");
        }
      };
      walk(root);
      return out;
    },
    setup: (opts = {}) => {
      const { client, ...rest } = opts;
      return runSetup({
        clients: client === undefined ? "all" : Array.isArray(client) ? client : [client],
        scope: "user",
        command: bin,
        uninstall: false,
        dryRun: false,
        env: { HOME: home },
        platform: "linux",
        cwd: project,
        now: new Date("2026-08-22T10:00:00Z"),
        ...rest,
      });
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  return world;
}

/** Files named like cairn's backups next to `path`. */
export function backupsOf(path: string): string[] {
  const name = path.split("/").pop()!;
  return readdirSync(dirname(path)).filter((f) => f.startsWith(`${name}.cairn-backup-`));
}
