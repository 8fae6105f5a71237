/** @module Project detection: the git root of a directory (else the directory itself), and the key it is stored under. */
import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { projectKeyOf } from "../domain/project.ts";

/**
 * The project a directory belongs to: the nearest ancestor holding `.git` (a directory, or a file for
 * worktrees and submodules), else the directory itself. Walks the filesystem instead of spawning git,
 * because this runs on every hook and CLI call where milliseconds count.
 */
export function detectProject(cwd: string = process.cwd()): string {
  // Symlinks resolved, as the OS gives a process its own working directory: a hook told "~/link/src" and
  // the CLI run there (cwd "~/proj/src") name one project (QA: memories split across two keys).
  const start = realOrResolved(cwd);
  let dir = start;
  for (;;) {
    if (existsSync(`${dir}/.git`)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The key memories of the directory's project are stored under: the normalised git remote when the
 * repository has one (the same for every clone, on every machine), else the project's absolute path.
 */
export function detectProjectKey(cwd: string = process.cwd()): string {
  return projectKeyOf(detectProject(cwd));
}

/**
 * The project key of a user-given `--project` value when it names an existing directory (`.`,
 * `~/code/app/src`), else undefined: the engine then matches it against the projects it knows.
 */
export function projectKeyOfDirectory(value: string, cwd: string = process.cwd()): string | undefined {
  const path = resolve(cwd, value);
  try {
    if (statSync(path).isDirectory()) return detectProjectKey(path);
  } catch {
    // not a directory on this machine: a name, an alias or a remote, for the engine to resolve
  }
  return undefined;
}
