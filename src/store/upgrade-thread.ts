/**
 * @module A long schema upgrade run on a thread of its own (upgrade-worker.ts), for `cairn mcp`: every open
 * migrates the store first, synchronously, and on a large store of an older schema that takes seconds (~20 s
 * for migrations 18 and 19 at 1M memories). On the server's thread no message is read meanwhile, so a
 * client's `initialize` went unanswered past its start-up timeout; now the server answers at once and its tool
 * calls wait for the upgrade. (Hooks leave the upgrade to the background worker instead: hooks/upgrade.ts.)
 */
import { log } from "../log.ts";
import { workerUrl } from "../worker-url.ts";
import { openReader } from "./db.ts";
import { LONG_UPGRADE_FROM_BYTES, longUpgradeDue } from "./migrations.ts";
import { statSync } from "node:fs";

export interface UpgradeRequest {
  path: string;
}
export interface UpgradeReply {
  /** Why the upgrade failed, or null when the database is at the current schema. */
  error: string | null;
}

/** Whether the database at `path` is due a long upgrade (a stat, and a read of its version when large). */
export function longUpgradeDueAt(path: string): boolean {
  try {
    if (statSync(path).size < LONG_UPGRADE_FROM_BYTES) return false;
    const db = openReader(path);
    try {
      return longUpgradeDue(db, path);
    } finally {
      db.close();
    }
  } catch {
    return false; // missing or unreadable: the store's own open says why
  }
}

/**
 * Upgrades the database at `path` on a thread of its own; resolves when done. Never rejects: a failed
 * upgrade (locked, damaged, a newer schema) is logged and left to the caller's own open, which migrates or
 * says why it cannot.
 */
export function upgradeOffThread(path: string): Promise<void> {
  return new Promise((resolve) => {
    let worker: Worker;
    const done = (why: string | null) => {
      if (why !== null) log.warn(`the schema upgrade's thread failed (${why}); upgrading on the main thread`);
      worker.terminate();
      resolve();
    };
    try {
      worker = new Worker(workerUrl(import.meta.url, "./store/upgrade-worker.ts"));
    } catch (err) {
      log.warn(`could not start the schema upgrade's thread (${String(err)}); upgrading on the main thread`);
      return resolve();
    }
    worker.onmessage = (event: MessageEvent<UpgradeReply>) => done(event.data.error);
    worker.onerror = (event) => done(event.message || "the thread died");
    worker.postMessage({ path } satisfies UpgradeRequest);
  });
}
