/**
 * @module Where `cairn export` writes: a file replaced only once the whole export is in it. The export goes to a
 * private temporary file beside the target (same directory, so the same disk), is synced, and is renamed over
 * the target on success; on any failure, or Ctrl-C, SIGTERM or SIGHUP, the temporary file is removed and an
 * existing target is left as it was, never truncated or cut short. A temporary file a killed export left (its
 * process gone) is removed by the next export to the same target. Failures are EXPORT_FULL (no space) or
 * EXPORT_FILE, never INTERNAL.
 */
import { accessSync, closeSync, constants, fchmodSync, fsyncSync, lstatSync, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CairnError, cairnError, describeError } from "../errors.ts";
import { processAlive } from "../process-alive.ts";
import { cleanUpOnSignal } from "./interrupt.ts";

/** The file system calls an export file makes; tests swap one for a failing one. */
export interface ExportFs {
  openSync: typeof openSync;
  writeSync: (fd: number, data: Uint8Array) => number;
  fsyncSync: typeof fsyncSync;
  renameSync: typeof renameSync;
}

const realFs: ExportFs = { openSync, writeSync: (fd, data) => writeSync(fd, data), fsyncSync, renameSync };

export interface ExportFile {
  write(chunk: string): void;
  /** The export is complete: synced and put in place of the target. */
  commit(): void;
  /** The export failed: the temporary file is removed, the target untouched. Safe to call after a failed commit. */
  abort(): void;
}

const FULL = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);

/**
 * A file system failure as EXPORT_FULL (no space, quota) or EXPORT_FILE; anything else (a CairnError, a
 * failure of the store being read) is returned as it is, to be reported as what it is.
 */
export function exportWriteError(path: string, err: unknown): unknown {
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  if (err instanceof CairnError || !/^E[A-Z]+$/.test(code)) return err;
  return cairnError(FULL.has(code) ? "EXPORT_FULL" : "EXPORT_FILE", [path, describeError(err)], err);
}

/**
 * Opens the export to `path` (mode 0600: it holds what the agents remembered). A target that is not a regular
 * file (a FIFO, /dev/stdout, a terminal) cannot be replaced by renaming and is written in place; a symbolic
 * link is followed, so the file it points at is the one replaced.
 */
export function openExportFile(path: string, fs: ExportFs = realFs): ExportFile {
  const target = resolveTarget(path);
  if (target === null) return direct(path, fs);
  refuseReadOnly(path, target);
  const prefix = `.${basename(target)}.cairn-export-`;
  removeDeadExports(dirname(target), (name) => (name.startsWith(prefix) && name.endsWith(".tmp") ? name.slice(prefix.length, -".tmp".length) : null));
  const tmp = join(dirname(target), `${prefix}${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | null;
  try {
    fd = fs.openSync(tmp, "wx", 0o600);
    fchmodSync(fd, 0o600);
  } catch (err) {
    throw exportWriteError(path, err);
  }
  // The partial copy is plain text even from an encrypted store: an interrupted export takes it away.
  const signals = cleanUpOnSignal(() => rmSync(tmp, { force: true }));
  const close = () => {
    if (fd === null) return;
    const was = fd;
    fd = null;
    closeSync(was);
  };
  return {
    write(chunk) {
      try {
        writeAll(fs, fd!, chunk);
      } catch (err) {
        throw exportWriteError(path, err);
      }
    },
    commit() {
      try {
        fs.fsyncSync(fd!);
        close();
        fs.renameSync(tmp, target);
      } catch (err) {
        throw exportWriteError(path, err);
      }
      signals();
      syncDirectory(dirname(target));
    },
    abort() {
      try {
        close();
      } catch {
        // Closing a file whose writes failed may fail too; the file is removed either way.
      }
      rmSync(tmp, { force: true });
      signals();
    },
  };
}

/**
 * Removes what earlier exports into `dir` left when they were killed (SIGKILL, a crash, a power cut): entries
 * whose name `tail` recognises (returning its `<pid>-<random>` part) and whose process is gone. A live export's
 * files are left alone; a pid reused since only keeps a leftover until a later export.
 */
export function removeDeadExports(dir: string, tail: (name: string) => string | null): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // the export's own open reports an unreadable folder
  }
  for (const name of names) {
    const pid = Number(/^(\d+)-[a-z0-9]+$/.exec(tail(name) ?? "")?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
    } catch {
      // Not ours to remove (another user's folder): the export goes on beside it.
    }
  }
}

/**
 * The path to replace (symbolic links followed), or null when the target must be written in place: anything
 * but a regular file or a new path. `/dev/stdout` is a link to `/proc/self/fd/1`, whose target (a pipe) has no
 * path: renaming over the link replaced the system's `/dev/stdout` (as root) with the export.
 */
function resolveTarget(path: string): string | null {
  const link = lstatSync(path, { throwIfNoEntry: false });
  if (!link) return path; // nothing there: a new file
  let target: ReturnType<typeof statSync> | undefined;
  try {
    target = statSync(path, { throwIfNoEntry: false });
  } catch {
    return null; // a loop of links: opening it fails, as EXPORT_FILE
  }
  if (!target?.isFile()) return null; // a device, a FIFO, a socket, a dangling or unresolvable link
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * EXPORT_FILE for an existing file that is not writable: the rename goes through the directory, so it replaced a
 * file its owner had made read-only (QA: a `chmod 444` export was lost). The mode bits are checked as well as
 * access, since root may write any file: a file no one may write is refused for root too, as `cp` would not.
 */
function refuseReadOnly(path: string, target: string): void {
  const st = statSync(target, { throwIfNoEntry: false });
  if (!st) return; // a new file
  let writable = (st.mode & 0o222) !== 0;
  try {
    if (writable) accessSync(target, constants.W_OK);
  } catch {
    writable = false;
  }
  if (!writable) throw cairnError("EXPORT_FILE", [path, `the file is not writable (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")}); make it writable (chmod u+w) to replace it`]);
}

/** A device or FIFO: written in place, as a pipe is. */
function direct(path: string, fs: ExportFs): ExportFile {
  let fd: number;
  try {
    fd = fs.openSync(path, "w", 0o600);
  } catch (err) {
    throw exportWriteError(path, err);
  }
  return {
    write(chunk) {
      try {
        writeAll(fs, fd, chunk);
      } catch (err) {
        throw exportWriteError(path, err);
      }
    },
    commit() {
      try {
        closeSync(fd);
      } catch (err) {
        throw exportWriteError(path, err);
      }
    },
    abort() {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    },
  };
}

function writeAll(fs: ExportFs, fd: number, chunk: string): void {
  let bytes = Buffer.from(chunk, "utf8");
  while (bytes.length > 0) {
    const n = fs.writeSync(fd, bytes);
    bytes = bytes.subarray(n);
  }
}

/** The rename itself survives a crash once its directory is synced; best effort (not every system allows it). */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The export is in place; only its durability across a power cut is not guaranteed.
  }
}
