/**
 * @module A hook never runs a long schema upgrade itself (store option `deferUpgrade`): no timer of its can fire
 * during a migration, and one took the first prompt after installing session 40's cairn 17 s on a store of 1M
 * memories. The hook answers nothing this once and starts the background worker, whose first step, opening
 * the store, upgrades it; the hooks after it find the store upgraded.
 */
import { startEmbedWorker } from "../embed-worker.ts";
import type { SqliteStore } from "../store/sqlite-store.ts";

export function openDeferringUpgrade(dataDir: string, open: () => SqliteStore): SqliteStore {
  try {
    return open();
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code === "DB_UPGRADE_PENDING") startEmbedWorker(dataDir);
    throw err;
  }
}
