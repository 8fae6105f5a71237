/**
 * @module Starting the warm hook daemon from a cold hook: a detached `cairn hook --serve` with no stdio, so
 * the agent (which waits for the hook's pipes to close) never waits for it, and an exclusive lock file so
 * a burst of cold hooks starts one daemon, not ten. Also replacing a daemon that stopped answering.
 */
import { closeSync, lstatSync, openSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { selfCommand } from "../../self-command.ts";
import { launchLockPath, pidFilePath } from "./protocol.ts";

/** A lock older than this belongs to a daemon that died before binding: take it over. */
const STALE_LOCK_MS = 10_000;

/** Starts a daemon for `dataDir` unless another hook is already starting one. Never throws. */
export function launchDaemon(dataDir: string): boolean {
  try {
    if (!takeLock(launchLockPath(dataDir))) return false;
    const proc = Bun.spawn([...selfCommand(), "hook", "--serve"], {
      cwd: dataDir,
      env: process.env,
      stdio: ["ignore", "ignore", "ignore"],
      detached: true,
    });
    proc.unref();
    return true;
  } catch {
    return false;
  }
}

function takeLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(lock, "wx", 0o600));
      return true;
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") return false;
      try {
        if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return false;
        unlinkSync(lock);
      } catch {
        return false;
      }
    }
  }
  return false;
}

/**
 * A daemon missed a client's deadline (stopped, hung, swamped): every later hook would wait on it too. It
 * is killed — SIGKILL, the one signal a stopped process obeys — when the pid file names the daemon of the
 * socket now at `sock` (never a process that merely reused an old pid); its socket is removed, which also
 * makes one that cannot be killed exit once it runs again; and a new daemon is launched. A socket newer
 * than `since` (the hook's start, epoch ms) is a replacement another hook already made: it is left alone.
 * Returns what was done, for hooks.log. Never throws.
 */
export function replaceDaemon(dataDir: string, sock: string, since: number): string {
  const done: string[] = [];
  try {
    const st = lstatSync(sock);
    if (st.mtimeMs > since) return "another hook already replaced it";
    const [pid, pidIno] = readPidFile(pidFilePath(dataDir));
    if (pid !== null && pidIno === st.ino && pid !== process.pid) {
      try {
        process.kill(pid, "SIGKILL");
        done.push(`killed pid ${pid}`);
      } catch (err) {
        done.push(`could not kill pid ${pid} (${(err as { code?: string }).code ?? String(err)})`);
      }
      unlinkSync(pidFilePath(dataDir));
    }
    unlinkSync(sock);
    done.push("removed its socket");
  } catch {
    // socket already gone: replaced by another hook, or the daemon exited
  }
  if (launchDaemon(dataDir)) done.push("launched a new one");
  return done.join(", ") || "already replaced";
}

function readPidFile(file: string): [number | null, number | null] {
  try {
    const [pid, ino] = readFileSync(file, "utf8").trim().split(" ").map(Number);
    return [Number.isInteger(pid) && pid! > 0 ? pid! : null, Number.isFinite(ino) ? ino! : null];
  } catch {
    return [null, null];
  }
}
