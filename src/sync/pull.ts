/**
 * @module Pull: records after this device's cursor, a batch at a time. Every record of a batch is opened and
 * checked before any is applied (a wrong team key or an altered record names its server sequence and
 * applies nothing of that batch); the batch is applied and the cursor moved in one local transaction, so a
 * pull cut short resumes exactly where the last committed batch ended.
 */
import { cairnError } from "../errors.ts";
import { log as logger } from "../log.ts";
import { applyDeferredErases, applyRecord, batchHints, resolveDangling } from "./apply.ts";
import { assertCurrent, BATCH, type SyncContext } from "./context.ts";
import { type ChangeRecord, parseRecord } from "./record.ts";
import { open } from "./seal.ts";
import type { IncomingRecord, SyncServer } from "./server.ts";

/** Pulls and applies everything new; returns how many records of other devices were applied. */
export async function pullAll(ctx: SyncContext, server: SyncServer, batch = BATCH): Promise<number> {
  const { log, config, store } = ctx;
  let applied = 0;
  for (;;) {
    await ctx.pause?.();
    const cursor = log.get("cursor");
    const incoming = await server.pull(config.team, cursor, batch);
    if (incoming.length === 0) {
      const deferred = log.erasedStillHere();
      if (deferred.length > 0) {
        store.transaction(() => {
          log.set("mode", 2);
          applyDeferredErases(ctx, deferred);
          log.set("mode", 1);
        });
      }
      return applied;
    }
    const records = openAll(ctx, incoming);
    const last = incoming[incoming.length - 1]!.seq;
    store.transaction(() => {
      // Another process may have pulled the same batch meanwhile: the cursor is re-read under the lock.
      if (log.get("cursor") !== cursor) return;
      assertCurrent(ctx);
      log.set("mode", 2);
      if (records.length > 0) log.observe(Math.max(...records.map((r) => r.hlc)));
      const hints = batchHints(ctx, records);
      for (const r of records) applyRecord(ctx, r, hints);
      for (const r of incoming) if (r.device !== config.device) log.markSeen(r.device, r.counter);
      resolveDangling(ctx);
      log.set("cursor", last);
      log.set("mode", 1);
      applied += records.length;
    });
    ctx.progress?.(`pulled through server sequence ${last} (${applied} change(s) applied)`);
  }
}

function openAll(ctx: SyncContext, incoming: readonly IncomingRecord[]): ChangeRecord[] {
  const { config, log } = ctx;
  const out: ChangeRecord[] = [];
  const seen = new Map<string, number>();
  for (const r of incoming) {
    // This device's own records are already applied here.
    if (r.device === config.device) continue;
    // A device's records reach the server in counter order: one at or below the highest applied is a copy of
    // an applied record put back under a new sequence (a replay), never news. Skipped, and said so.
    const highest = seen.get(r.device) ?? log.seen(r.device);
    if (r.counter <= highest) {
      logger.warn(`sync: skipped record ${r.seq} of device ${r.device.slice(0, 8)}: its counter ${r.counter} was applied already (a copy put back on the server)`);
      continue;
    }
    seen.set(r.device, r.counter);
    const text = open(config.key, { team: config.team, device: r.device, counter: r.counter }, r.body);
    const record = text === null ? null : parseRecord(text);
    if (!record || record.device !== r.device) throw cairnError("SYNC_BAD_RECORD", [r.seq, r.device]);
    out.push(record);
  }
  return out;
}
