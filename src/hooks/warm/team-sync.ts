/**
 * @module Team sync in the warm hook daemon: between events (never while one is served), on an interval with
 * backoff while the server is down (sync/background.ts). The engine and sync modules load on the first tick
 * that finds the data directory in a team, so a daemon outside a team pays one `existsSync` per interval.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { SqliteStore } from "../../store/sqlite-store.ts";
import { BackgroundSync, whenQuiet } from "../../sync/background.ts";
import { appendHookLog } from "../log.ts";

export function startTeamSync(dataDir: string, store: () => SqliteStore, busy: () => boolean): BackgroundSync {
  const sync = new BackgroundSync({
    busy,
    run: async () => {
      if (!existsSync(join(dataDir, "sync.json"))) return false;
      const [{ Engine }, { hookStateErasure }, { syncIfConfigured }] = await Promise.all([
        import("../../engine/engine.ts"),
        import("../state-erase.ts"),
        import("../../sync/run.ts"),
      ]);
      const s = store();
      // A pulled erase runs the engine's purge path: hook state and summaries quoting the text are scrubbed too.
      const engine = new Engine({ store: s, project: "", actor: "sync", erasure: hookStateErasure(dataDir) });
      return syncIfConfigured(dataDir, () => ({ store: s, log: s.sync, engineAs: (a) => engine.withActor(a) }), () => whenQuiet(busy));
    },
    onError: (message) => appendHookLog(dataDir, `hookd ${message}`),
  });
  sync.start();
  return sync;
}
