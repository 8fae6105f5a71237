/** @module Project scope detection: the git root of a directory, else the directory itself. */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * The project a directory belongs to: the nearest ancestor holding `.git` (a directory, or a file for
 * worktrees and submodules), else the directory itself. Walks the filesystem instead of spawning git,
 * because this runs on every hook and CLI call where milliseconds count.
 */
export function detectProject(cwd: string = process.cwd()): string {
  const start = resolve(cwd);
  let dir = start;
  for (;;) {
    if (existsSync(`${dir}/.git`)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

/**
 * Turns a user-given `--project` value into a project key. An existing directory becomes its project
 * root (so `--project .` and `--project ~/code/app/src` both mean that repository); anything else is
 * taken literally as a project name, which lets memories be scoped to names that are not paths.
 */
export function resolveProjectArg(value: string, cwd: string = process.cwd()): string {
  const path = resolve(cwd, value);
  try {
    if (statSync(path).isDirectory()) return detectProject(path);
  } catch {
    // not a directory on this machine: a plain project name
  }
  return value;
}
