/**
 * @module Setup's backups as private files. A config file copied before setup changes it may hold other servers'
 * `env` secrets, so the copy is 0600 whatever the original's mode (SECURITY.md; QA: `.mcp.json`'s copy kept 0644),
 * and the backups folder under the data directory is kept 0700 with 0600 files, those an earlier cairn copied with
 * the original's mode included.
 */
import { chmodSync, lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Copies `from` to a new file `to` (never over one) that only its owner can read, from its first byte on. */
export function privateCopy(from: string, to: string): void {
  writeFileSync(to, readFileSync(from), { mode: 0o600, flag: "wx" });
  chmodSync(to, 0o600); // the umask may have taken the owner's bits too
}

/** Folders under `dir` (itself included) made 0700 and files 0600 where group or others had access; links left alone. */
export function keepPrivate(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) keepPrivate(path);
    else if (e.isFile()) tighten(path, 0o600);
  }
  tighten(dir, 0o700);
}

function tighten(path: string, mode: number): void {
  if ((lstatSync(path).mode & 0o077) !== 0) chmodSync(path, mode);
}
