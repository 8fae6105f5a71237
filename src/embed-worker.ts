/**
 * @module Vectors for new memories without making the writer wait. A one-shot writer (`cairn remember`, a
 * hook that captured something) starts a detached `cairn models reembed --background` for its data
 * directory and exits; that worker embeds whatever lacks a vector for the active model, then exits. One
 * worker per data directory at a time: a lock file holding its pid (a dead pid's lock is taken over).
 * `CAIRN_EMBED_WORKER=off` turns the worker off (recall then embeds a bounded number before searching).
 */
import { processAlive } from "./process-alive.ts";
import { closeSync, linkSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { selfCommand } from "./self-command.ts";

export function embedLockPath(dataDir: string): string {
  return join(dataDir, "embed-worker.lock");
}

/** The pid of a live worker for `dataDir`, or null. */
export function runningWorker(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(embedLockPath(dataDir), "utf8"), 10);
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : null;
}

/** After a worker could not open its model (a cache folder it cannot write: a full disk), how long none starts. */
const FAILED_BACKOFF_MS = 5 * 60_000;

function failedPath(dataDir: string): string {
  return join(dataDir, "embed-worker.failed");
}

/**
 * Notes that a worker could not open its model, or that one could again (`failed` false): each write started a
 * worker that tried the same again, on a small disk filling it each time (QA); for a few minutes none starts.
 */
export function noteWorkerOutcome(dataDir: string, failed: boolean): void {
  try {
    if (failed) writeFileSync(failedPath(dataDir), String(Date.now()), { mode: 0o600 });
    else rmSync(failedPath(dataDir), { force: true });
  } catch {
    // a full or read-only disk: the next worker tries again, as before
  }
}

/** Whether a worker could not open its model within the last few minutes. */
export function failedLately(dataDir: string): boolean {
  try {
    return Date.now() - statSync(failedPath(dataDir)).mtimeMs < FAILED_BACKOFF_MS;
  } catch {
    return false;
  }
}

/** Starts a worker unless one is running, one failed lately, or workers are off. Never throws: vectors are an optimisation. */
export function startEmbedWorker(dataDir: string, env: Record<string, string | undefined> = process.env): boolean {
  if (env.CAIRN_EMBED_WORKER === "off" || runningWorker(dataDir) !== null || failedLately(dataDir)) return false;
  try {
    const log = openSync(join(dataDir, "reembed.log"), "a", 0o600);
    try {
      const proc = Bun.spawn([...selfCommand(), "models", "reembed", "--background"], {
        cwd: dataDir,
        env: { ...env },
        stdio: ["ignore", "ignore", log],
        detached: true,
      });
      proc.unref();
    } finally {
      closeSync(log);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a worker when memories lack vectors: long-lived processes call it at start, so a backlog left by
 * an import or a worker that died is embedded without waiting for a write. A count that fails starts nothing.
 */
export function embedBacklog(dataDir: string, pending: () => number): boolean {
  try {
    if (pending() <= 0) return false;
  } catch {
    return false;
  }
  return startEmbedWorker(dataDir);
}

/**
 * For the worker: takes the lock, or returns null when another live worker holds it. The returned function
 * releases it (only if it is still ours).
 */
export function takeWorkerLock(dataDir: string): (() => void) | null {
  const lock = embedLockPath(dataDir);
  // Written aside and hard-linked into place: a reader never sees a lock without its pid.
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, String(process.pid), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (tryLink(mine, lock)) return () => {
        try {
          if (readFileSync(lock, "utf8") === String(process.pid)) unlinkSync(lock);
        } catch {
          // already gone (the data directory was removed)
        }
      };
      if (runningWorker(dataDir) !== null) return null;
      try {
        unlinkSync(lock); // its worker died without releasing it
      } catch {
        return null;
      }
    }
    return null;
  } finally {
    try {
      unlinkSync(mine);
    } catch {
      // nothing to tidy
    }
  }
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === "EEXIST") return false;
    throw err;
  }
}

