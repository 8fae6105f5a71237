/**
 * @module The files of a folder an import reads, links not followed out of it. The folder holds someone else's
 * files (a cloned repository, a synced notes folder), and a link in it may lead anywhere: `AGENTS.md ->
 * ~/.ssh/config` put that file into memory, and two `up -> ..` links made a walk that never ended (QA). Folders
 * are walked by their own entries; a link to a folder is not entered, and a file is read only when its real path
 * is a regular file inside the folder (a link from AGENTS.md to CLAUDE.md still is).
 */
import { type Dirent, readdirSync, realpathSync, statSync } from "node:fs";
import { join, sep } from "node:path";

/**
 * Why the file at `path`, found in the folder `root`, is not read, or null when it may be: a link to nothing,
 * one leading out of the folder, one to a folder, anything but a regular file (a FIFO would never end).
 */
export function notReadable(root: string, path: string): string | null {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ELOOP" ? "a loop of links: not followed" : "a link to a file that is not there";
  }
  if (!within(realOf(root), real)) return "a link leading outside the folder imported: not read";
  let stat;
  try {
    stat = statSync(real);
  } catch {
    return "a link to a file that is not there";
  }
  if (stat.isDirectory()) return "a link to a folder: not followed";
  return stat.isFile() ? null : "not a regular file";
}

/**
 * Every entry of `dir` and its folders that is not a folder (files, links, links to folders), relative to `dir`
 * with forward slashes, sorted; folders are entered only when they are folders, never through a link. `enter`
 * says which folders to go into (all, by default).
 */
export function folderEntries(dir: string, enter: (rel: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(rel === "" ? dir : join(dir, rel), { withFileTypes: true });
    } catch {
      return; // an unreadable folder: nothing of it can be read either
    }
    for (const e of entries) {
      const child = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (enter(child)) walk(child);
      } else out.push(child);
    }
  };
  walk("");
  return out.sort();
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function realOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
