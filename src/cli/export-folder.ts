/**
 * @module Where `cairn export --format markdown` writes: a new or empty folder that holds either the whole
 * export or nothing of it. Files are written into a private staging folder inside the target (same disk, so
 * the final moves are renames), and only once every file is in are its entries moved up; on a failure the
 * staging folder (and a target folder the export created) is removed, on Ctrl-C, SIGTERM or SIGHUP too. A
 * staging folder a killed export left (its process gone) is removed by the next export into the folder. Every
 * path is checked to stay inside the folder, whatever names the memories bring.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { cairnError } from "../errors.ts";
import { exportWriteError, removeDeadExports } from "./export-file.ts";
import { cleanUpOnSignal } from "./interrupt.ts";

const STAGING = ".cairn-export-";

export interface ExportFolder {
  /** Writes `text` at `rel` (a relative path inside the folder), mode 0600, folders 0700. */
  write(rel: string, text: string): void;
}

/**
 * Runs `fill` against the staging folder and moves what it wrote into `dir`; returns fill's result. `dir` must
 * not exist or be empty (USAGE otherwise). Write failures are EXPORT_FULL or EXPORT_FILE, and leave `dir` as it was.
 */
export async function withExportFolder<T>(dir: string, fill: (folder: ExportFolder) => Promise<T>): Promise<T> {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw cairnError("EXPORT_FILE", [dir, "it is a file, not a folder"]);
    // A killed export's staging folder made the folder "not empty" for every retry (QA).
    removeDeadExports(dir, (name) => (name.startsWith(STAGING) ? name.slice(STAGING.length) : null));
    const left = readdirSync(dir);
    if (left.length > 0) {
      const busy = left.find((name) => name.startsWith(STAGING));
      throw cairnError("USAGE", [`${dir} is not empty${busy ? ` (${busy} is the staging folder of an export still running)` : ""}; give --out a new or empty folder.`]);
    }
  }
  let created: string | undefined;
  let staging: string | null = null;
  const moved: string[] = [];
  let signals = () => {};
  try {
    created = mkdirSync(dir, { recursive: true, mode: 0o700 });
    staging = join(dir, `${STAGING}${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
    mkdirSync(staging, { mode: 0o700 });
    const root = staging;
    signals = cleanUpOnSignal(() => {
      rmSync(root, { recursive: true, force: true });
      if (created !== undefined) removeCreated(dir, created);
    });
    const result = await fill({
      write(rel, text) {
        const path = inside(root, rel);
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        writeFileSync(path, text, { mode: 0o600, flag: "wx" });
      },
    });
    for (const entry of readdirSync(staging)) {
      renameSync(join(staging, entry), inside(dir, entry));
      moved.push(entry);
    }
    rmdirSync(staging);
    signals();
    return result;
  } catch (err) {
    signals();
    // The folder was new or empty: everything in it now is this export's, and goes.
    if (staging !== null) rmSync(staging, { recursive: true, force: true });
    for (const entry of moved) rmSync(join(dir, entry), { recursive: true, force: true });
    if (created !== undefined) removeCreated(dir, created);
    throw exportWriteError(dir, err);
  }
}

/** `rel` under `root`, refused when it would resolve anywhere else (an absolute path, `..`, an empty name). */
export function inside(root: string, rel: string): string {
  const path = resolve(root, rel);
  const back = relative(resolve(root), path);
  if (rel === "" || isAbsolute(rel) || back === "" || back === ".." || back.startsWith(`..${sep}`) || isAbsolute(back)) {
    throw cairnError("EXPORT_FILE", [root, `the file name ${JSON.stringify(rel)} would be outside the export folder`]);
  }
  return path;
}

/** Removes the folders `mkdirSync(dir, {recursive})` created (from `dir` up to `top`), where they are empty. */
function removeCreated(dir: string, top: string): void {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === resolve(top) || dirname(d) === d) return;
  }
}
