/**
 * @module The rule files of a repository, for `--from agent-rules`: CLAUDE.md, AGENTS.md and
 * .github/copilot-instructions.md at its root, CLAUDE.md and AGENTS.md in its folders (a monorepo's
 * `packages/api/CLAUDE.md`, which Claude Code and Codex read when working there), and the `.mdc` files of every
 * `.cursor/rules` folder (Cursor's nested rules too). Folders that hold dependencies or build output
 * (node_modules, vendor, dist, …) and hidden folders are not searched.
 */
import { existsSync, type Dirent, readdirSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import { folderEntries } from "./folder-files.ts";

export const ROOT_FILES = ["CLAUDE.md", "AGENTS.md", ".github/copilot-instructions.md"];
/** The rule files a folder below the root may hold. */
const NESTED_FILES = ["CLAUDE.md", "AGENTS.md"];
const CURSOR_RULES = ".cursor/rules";
/** Folders of dependencies, build output and caches: rule files there are other projects'. */
const NOT_SEARCHED = new Set(["node_modules", "vendor", "dist", "build", "out", "target", "coverage", "venv", "env", "__pycache__", "bower_components", "Pods", "third_party"]);
/** Bounds the search of a huge repository; rule files past it are named in the report. */
export const MAX_FOLDERS = 20_000;
const MAX_DEPTH = 8;

export interface RepositoryRules {
  /** Absolute paths, root files first, then by path. */
  files: string[];
  /** Set when the search stopped at {@link MAX_FOLDERS} before it had seen every folder. */
  truncated: boolean;
}

/** Every rule file of the repository at `root`. */
export function repositoryRuleFiles(root: string): RepositoryRules {
  const files = ROOT_FILES.map((f) => join(root, f)).filter((f) => existsSync(f));
  const nested: string[] = [];
  let folders = 0;
  let truncated = false;
  const queue: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
  for (let next = 0; next < queue.length; next++) {
    const { dir, depth } = queue[next]!;
    if (++folders > MAX_FOLDERS) {
      truncated = true;
      break;
    }
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable folder: nothing of it can be read either
    }
    const cursor = join(dir, CURSOR_RULES);
    if (existsSync(cursor)) nested.push(...mdcFiles(cursor));
    for (const e of entries) {
      // A link too (a symlinked CLAUDE.md was passed over without a word, QA): agent-rules reads it only if it
      // stays in the folder (folder-files.ts). Links to folders are not entered.
      if (depth > 0 && !e.isDirectory() && NESTED_FILES.includes(e.name)) nested.push(join(dir, e.name));
      else if (e.isDirectory() && depth < MAX_DEPTH && !e.name.startsWith(".") && !NOT_SEARCHED.has(e.name)) queue.push({ dir: join(dir, e.name), depth: depth + 1 });
    }
  }
  nested.sort((a, b) => (relative(root, a) < relative(root, b) ? -1 : 1));
  return { files: [...files, ...nested], truncated };
}

function mdcFiles(dir: string): string[] {
  return folderEntries(dir).filter((f) => f.endsWith(".mdc")).map((f) => join(dir, f));
}

/**
 * Whether `file` (relative to the root, as `metadata.file` names it) is where a rule file of the repository
 * would be: a root file, a CLAUDE.md or AGENTS.md in a searched folder, an `.mdc` under `.cursor/rules`.
 */
export function isRuleFilePath(file: string): boolean {
  const parts = file.split(/[\\/]/);
  if (parts.slice(0, -1).some((p) => NOT_SEARCHED.has(p))) return false;
  if (ROOT_FILES.includes(parts.join("/"))) return true;
  const cursor = parts.findIndex((p, i) => p === ".cursor" && parts[i + 1] === "rules");
  if (cursor >= 0) return file.endsWith(".mdc") && parts.slice(0, cursor).every((p) => !p.startsWith("."));
  return NESTED_FILES.includes(basename(file)) && parts.slice(0, -1).every((p) => !p.startsWith("."));
}

/** `relative` with forward slashes, as `metadata.file` is written on every platform. */
export function relativePath(root: string, file: string): string {
  return relative(root, file).split(sep).join("/");
}
