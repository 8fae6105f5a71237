/**
 * @module One sync: seal what is queued, push it, pull what others wrote. Local work never waits for the
 * server: when it cannot be reached, changes stay queued and the outcome is kept for `cairn sync status`.
 */
import { cairnError, describeError } from "../errors.ts";
import type { SyncContext } from "./context.ts";
import { pullAll } from "./pull.ts";
import { sealOutbox, sendPending } from "./push.ts";
import { SyncServer } from "./server.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type LastSync, readConfig, readSettings, writeSettings } from "./settings.ts";
import { keyOpensOthers } from "./team.ts";
import { asOwnDevice } from "./copied.ts";

export interface SyncReport {
  pushed: number;
  pulled: number;
  cursor: number;
}

/** Push then pull. Records the outcome in sync.json (in `dataDir`) whether it succeeded or not. */
export async function syncOnce(given: SyncContext, dataDir: string, opts: { timeoutS?: number; batch?: number } = {}): Promise<SyncReport> {
  let pushed = 0;
  let pulled = 0;
  let server: SyncServer | undefined;
  let ctx = given;
  const dropped = new Set<string>();
  try {
    server = await SyncServer.connect(ctx.config.server, opts.timeoutS);
    await server.checkSchema();
    await server.registerTeam(ctx.config.team);
    await resumeRecording(ctx, server);
    ctx = await asOwnDevice(ctx, server, dataDir);
    // A device that never pulled (it just joined) takes what the team has first: what it holds already is then
    // not sent again, and an older copy of it loses to the team's newer version (apply.ts).
    if (ctx.log.get("cursor") === 0) pulled = await pullAll(ctx, server, opts.batch);
    // Until this device has applied a record of another (then its key is known to work), its key must open
    // what the others wrote, or nothing is sent (the pull then names the record it cannot open).
    if (ctx.log.seenAny() || (await keyOpensOthers(server, ctx.config.team, ctx.config.device, ctx.config.key))) {
      sealOutbox(ctx);
      pushed = await sendPending(ctx, server, dropped);
      if (ctx.config.retiring) await finishRetiring(ctx, server, dataDir);
    }
    pulled += await pullAll(ctx, server, opts.batch);
    // The server drops a change of a memory it holds an erase record for, and that erase comes with the pull and
    // erases it here too. One still here was dropped on a flag no team member's record carries (the flag is the
    // server's, in the clear: QA set it by hand, and the writer was told "0 change(s) sent").
    const unerased = [...dropped].filter((id) => ctx.store.get(id) !== null && !ctx.log.version(id)?.erased);
    // Changes made while applying (duplicates merged) go out in the same run.
    if (sealOutbox(ctx) > 0) pushed += await sendPending(ctx, server);
    if (unerased.length > 0) throw cairnError("SYNC_DROPPED", [unerased.length, unerased.length === 1 ? "y" : "ies", unerased.slice(0, 5).join(", ")]);
    record(ctx, dataDir, { at: Date.now(), ok: true, pushed, pulled });
    return { pushed, pulled, cursor: ctx.log.get("cursor") };
  } catch (err) {
    record(ctx, dataDir, { at: Date.now(), ok: false, error: describeError(err), pushed, pulled });
    throw err;
  } finally {
    await server?.close();
  }
}

/**
 * A database that was replaced under a team's settings (restored from a backup, repaired by `doctor`) starts
 * with recording off: it is turned on, its device counter moved past the numbers the server already holds,
 * and the shared projects are queued whole, so no write made meanwhile stays behind.
 */
async function resumeRecording(ctx: SyncContext, server: SyncServer): Promise<void> {
  if (ctx.log.get("mode") === 1) return;
  // Its device counter may be behind what the server holds: numbers must never be reused (the server would skip them).
  const used = await server.maxCounter(ctx.config.team, ctx.config.device);
  ctx.store.transaction(() => {
    if (ctx.log.get("counter") < used) ctx.log.set("counter", used);
    ctx.log.set("mode", 1);
    for (const p of ctx.config.shared.projects) ctx.log.enqueueProject(p);
    if (ctx.config.shared.global) ctx.log.enqueueProject(null);
  });
}

/**
 * Retires the team a rotation left (sync/rotate.ts) once this device's memories are all on the new team (nothing
 * sealed waits): the server deletes its records and refuses anything more for it. Idempotent, so a rotation cut
 * short is finished by whichever process syncs next.
 */
async function finishRetiring(ctx: SyncContext, server: SyncServer, dataDir: string): Promise<void> {
  const old = ctx.config.retiring!;
  if (ctx.log.counts().pending > 0) return;
  await server.retireTeam(old);
  const settings = readSettings(dataDir);
  if (settings?.retiring !== old) return;
  const { retiring: _done, ...rest } = settings;
  writeSettings(dataDir, rest);
}

function record(_ctx: SyncContext, dataDir: string, last: LastSync): void {
  try {
    // Re-read: a `sync share` in another process meanwhile must not be undone.
    const settings = readSettings(dataDir);
    if (settings) writeSettings(dataDir, { ...settings, last });
  } catch {
    // the outcome is informative only; a read-only data directory must not turn a sync into a failure
  }
}

/**
 * One sync for a long-lived process, if this data directory is in a team (false when not). Pulls in small
 * batches (25), each started only when `pause` resolves (no request in flight), so a request arriving
 * meanwhile waits for at most one short local transaction.
 */
export async function syncIfConfigured(dataDir: string, open: () => Omit<SyncContext, "config">, pause?: () => Promise<void>): Promise<boolean> {
  if (!existsSync(join(dataDir, "sync.json"))) return false;
  const ctx = open();
  const config = readConfig(dataDir, ctx.log);
  if (!config) return false;
  await syncOnce({ ...ctx, config, ...(pause ? { pause } : {}) }, dataDir, { batch: 25 });
  return true;
}
