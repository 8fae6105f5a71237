/**
 * @module Push: queued changes are sealed into numbered records in one local transaction (the device counter
 * advances with them), then sent; a record leaves the local list only once the server has it. A push cut
 * short resends the same sealed bytes under the same numbers, which the server skips: no loss, no duplicate.
 */
import type { ChangeRecord } from "./record.ts";
import { putRecord } from "./record.ts";
import { opaqueId, seal } from "./seal.ts";
import type { SyncServer } from "./server.ts";
import { assertCurrent, BATCH, isShared, type SyncContext } from "./context.ts";

/** Seals every queued change that may leave this machine; returns how many records it made. */
export function sealOutbox(ctx: SyncContext): number {
  const { store, log, config } = ctx;
  let made = 0;
  for (;;) {
    const taken = store.transaction(() => {
      assertCurrent(ctx);
      const rows = log.outbox(BATCH);
      let counter = log.get("counter");
      for (const e of rows) {
        log.dropOutbox(e.memoryId);
        const known = log.version(e.memoryId);
        // Sent again only as an erase (a team restarted under a new key must learn of it too: sync-log restartForTeam).
        if (known?.erased && e.op !== "erase") continue;
        let record: ChangeRecord;
        if (e.op === "erase") {
          // Only memories the team has seen need an erase; the others never left this machine.
          if (!known) continue;
          record = { op: "erase", id: e.memoryId, hlc: e.hlc, device: config.device };
        } else {
          const m = store.get(e.memoryId);
          // Its history erased here: the team's copies of the old versions go too (once the team has seen it).
          const erasedHistory = log.historyErased(e.memoryId);
          if (erasedHistory) log.clearHistoryErased(e.memoryId);
          // A memory already shared keeps syncing; others only when their project is shared. A global one only
          // while it is a preference: retyped to a note, its later (private) edits stay here (QA re-check).
          if (!m || ((!known || m.project === null) && !isShared(config, m))) continue;
          record = { ...putRecord(m, store.edges(m.id), e.hlc, config.device), ...(erasedHistory && known ? { eraseHistory: true as const } : {}) };
        }
        counter++;
        const body = seal(config.key, { team: config.team, device: config.device, counter }, JSON.stringify(record));
        const compact = record.op === "put" && record.eraseHistory === true;
        if (compact) log.setHistoryErasedAt(e.memoryId, e.hlc);
        log.addPending({ counter, memoryId: e.memoryId, mid: opaqueId(config.key, e.memoryId), erase: record.op === "erase", compact, body });
        log.setVersion(e.memoryId, { hlc: e.hlc, device: config.device, erased: record.op === "erase" });
        made++;
      }
      log.set("counter", counter);
      return rows.length;
    });
    if (taken === 0) return made;
  }
}

/**
 * Sends the sealed records in order; returns how many the server did not have yet (two syncs of one device at
 * once send the same records, and only one of them stored each: both reported all of them).
 */
export async function sendPending(ctx: SyncContext, server: SyncServer, dropped?: Set<string>): Promise<number> {
  const { log, config } = ctx;
  let sent = 0;
  for (;;) {
    await ctx.pause?.();
    const records = log.pending(BATCH);
    if (records.length === 0) return sent;
    assertCurrent(ctx);
    const added = await server.push(config.team, config.device, records, (mids) => {
      for (const r of records) if (!r.erase && mids.includes(r.mid)) dropped?.add(r.memoryId);
    });
    log.dropPending(records[records.length - 1]!.counter);
    sent += added;
    ctx.progress?.(`pushed ${sent} change(s)`);
  }
}
