/**
 * @module Starting the warm hook daemon from a cold hook: a detached `cairn hook --serve` with no stdio, so
 * the agent (which waits for the hook's pipes to close) never waits for it, and an exclusive lock file so
 * a burst of cold hooks starts one daemon, not ten.
 */
import { closeSync, openSync, statSync, unlinkSync } from "node:fs";
import { selfCommand } from "../../self-command.ts";
import { launchLockPath } from "./protocol.ts";

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
