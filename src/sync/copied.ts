/**
 * @module A data folder restored from a backup, or copied to another machine, carries its device's id: the server
 * may hold records of that id numbered past what this copy sealed, or others under numbers it sealed. Each of its
 * records would then be skipped as one sent before (the server keeps the first record of a number) and the change
 * lost while the sync said it went (QA: "0 change(s) sent", pending 0, the memory never reached the team). Such a
 * copy goes on as a new device: its unsent records are sealed again under the new id, and the records its id wrote
 * elsewhere since are applied here like any other device's.
 */
import { randomBytes } from "node:crypto";
import { log as logger } from "../log.ts";
import { BATCH, type SyncContext } from "./context.ts";
import type { SyncServer } from "./server.ts";
import { readSettings, writeSettings } from "./settings.ts";

/** `ctx` itself, or (a copy) `ctx` as the new device it goes on as. */
export async function asOwnDevice(ctx: SyncContext, server: SyncServer, dataDir: string): Promise<SyncContext> {
  if (!(await isCopy(ctx, server))) return ctx;
  const device = randomBytes(8).toString("hex");
  const settings = readSettings(dataDir);
  if (!settings) return ctx;
  const queued = ctx.store.transaction(() => ctx.log.restartAsDevice());
  writeSettings(dataDir, { ...settings, device });
  logger.warn(
    `sync: this data folder is a copy (restored from a backup, or copied from another machine) of device ${ctx.config.device}, ` +
      `whose records the server holds beyond what this copy wrote: it goes on as device ${device}${queued > 0 ? `, sending its ${queued} unsent change(s) again` : ""}`,
  );
  return { ...ctx, config: { ...ctx.config, device } };
}

/** Whether the server holds numbers of this device's id this store did not seal, or other records under its unsent numbers. */
async function isCopy(ctx: SyncContext, server: SyncServer): Promise<boolean> {
  const { team, device } = ctx.config;
  const used = await server.maxCounter(team, device);
  if (used > ctx.log.get("counter")) return true;
  // Records sealed here whose numbers the server holds: a push cut short (the same bytes), or another copy's.
  const unsent = ctx.log.pending(BATCH).filter((r) => r.counter <= used);
  if (unsent.length === 0) return false;
  const held = await server.bodies(team, device, unsent.map((r) => r.counter));
  return unsent.some((r) => {
    const theirs = held.get(r.counter);
    return theirs !== undefined && Buffer.compare(Buffer.from(theirs), Buffer.from(r.body)) !== 0;
  });
}
