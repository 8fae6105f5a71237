/**
 * @module Test helper: small tmpfs and read-only bind mounts for full and read-only disks. Mounting needs root
 * and a sandbox that allows it; {@link MOUNTS_ALLOWED} says whether this machine does, so such tests skip
 * (and say so in their names) elsewhere.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function mount(args: readonly string[]): boolean {
  const r = Bun.spawnSync(["mount", ...args], { stdout: "ignore", stderr: "ignore" });
  return r.exitCode === 0;
}

/** Unmounts `dir` (lazily, so a process still inside cannot keep it). */
export function unmount(dir: string): void {
  Bun.spawnSync(["umount", "-l", dir], { stdout: "ignore", stderr: "ignore" });
}

/** Mounts a tmpfs of `bytes` at `dir` (created if needed); false where mounting is not allowed. */
export function mountTmpfs(dir: string, bytes: number): boolean {
  mkdirSync(dir, { recursive: true });
  return mount(["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir]);
}

/** Shows `source` at `target` read-only (a bind mount remounted ro); false where mounting is not allowed. */
export function bindReadOnly(source: string, target: string): boolean {
  mkdirSync(target, { recursive: true });
  if (!mount(["--bind", source, target])) return false;
  if (mount(["-o", "remount,ro,bind", target])) return true;
  unmount(target);
  return false;
}

/** Makes a read-only bind mount made by {@link bindReadOnly} writable again. */
export function remountWritable(target: string): boolean {
  return mount(["-o", "remount,rw,bind", target]);
}

/** Whether this machine lets the tests mount (tried once, on a throwaway tmpfs). */
export const MOUNTS_ALLOWED: boolean = (() => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-mount-probe-"));
  try {
    const ok = mountTmpfs(dir, 64 * 1024);
    if (ok) unmount(dir);
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

/** Writes zeros to `file` until the disk refuses more (ENOSPC); returns the bytes written. */
export function fillDisk(file: string): number {
  const fd = openSync(file, "w");
  const chunk = new Uint8Array(4096);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOSPC") throw err;
  } finally {
    closeSync(fd);
  }
  return written;
}
