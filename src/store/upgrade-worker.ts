/**
 * @module The schema upgrade's thread (started by upgrade-thread.ts, bundled as its own entry point by
 * scripts/build.ts): opens the database at the path it is given, which migrates it, and closes it.
 */
import { describeError } from "../errors.ts";
import { openMigrated } from "./migrations.ts";
import type { UpgradeReply, UpgradeRequest } from "./upgrade-thread.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<UpgradeRequest>) => {
  try {
    openMigrated(event.data.path, { readOnly: false, lockWaitMs: undefined }).close();
    postMessage({ error: null } satisfies UpgradeReply);
  } catch (err) {
    postMessage({ error: describeError(err) } satisfies UpgradeReply);
  }
};
