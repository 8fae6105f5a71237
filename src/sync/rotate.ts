/**
 * @module A new team key, for when someone must lose access (a member leaves, a device or a join code is lost).
 * `rotate` first syncs this device with the team, then starts a new team on the same server under a fresh key,
 * sends it every memory the old team had (each at its version's clock, so a newer edit elsewhere still wins),
 * and retires the old team: the server deletes its records and takes nothing more for it. The devices that stay
 * join the new team with the code `rotate` prints; joining from the retired team keeps their memories and sends
 * what they hold at its version's clock too, so nothing written meanwhile is lost and nothing stale wins. A
 * device without the new code can neither read the new team's records nor add to the old team.
 */
import { randomBytes } from "node:crypto";
import { cairnError, describeError } from "../errors.ts";
import type { SyncLog } from "../store/sync-log.ts";
import type { Store } from "../store/store.ts";
import { decodeJoinCode } from "./code.ts";
import type { SyncContext } from "./context.ts";
import { syncOnce } from "./run.ts";
import { SyncServer } from "./server.ts";
import { readSettings, redactUrl, type SyncConfig, writeConfig } from "./settings.ts";
import { assertJoinable, requireConfig } from "./team.ts";

export interface Rotation {
  /** The team left behind, retired on the server once this device's memories were on the new one. */
  retired: string;
  /** False when that has not happened yet (the next sync does it). */
  retiredNow: boolean;
  config: SyncConfig;
  /** Records sent to the new team. */
  sent: number;
  /** Why sending to the new team failed once this device had moved to it (the next `cairn sync` finishes). */
  unfinished?: string;
}

/** Moves this device's team to a new key (see the module). The old key opens nothing sent from now on. */
export async function rotateTeam(ctx: SyncContext, dataDir: string): Promise<Rotation> {
  // What the team has reaches this device first, and what this device holds reaches the team.
  await syncOnce(ctx, dataDir);
  const { last: _last, ...old } = ctx.config;
  const config: SyncConfig = { ...old, team: randomBytes(16).toString("hex"), key: new Uint8Array(randomBytes(32)), device: randomBytes(8).toString("hex"), retiring: old.team };
  const server = await SyncServer.connect(old.server);
  try {
    await server.checkSchema();
    await server.registerTeam(config.team);
  } finally {
    await server.close();
  }
  switchTeam(ctx.store, ctx.log, dataDir, config);
  // Moved: a failure from here on leaves the rest (sending, retiring the old team) to the next sync, and the
  // caller still gets the new team's code.
  let sent = 0;
  let unfinished: string | undefined;
  try {
    sent = (await syncOnce({ ...ctx, config }, dataDir)).pushed;
  } catch (err) {
    unfinished = describeError(err);
  }
  return { retired: old.team, retiredNow: readSettings(dataDir)?.retiring !== old.team, config, sent, ...(unfinished ? { unfinished } : {}) };
}

/**
 * Joins the team a rotation made, from the team it retired (SYNC_ALREADY when the team this device is in was not
 * retired): the shared projects stay as they are, and every memory the old team had is sent to the new one at
 * its version's clock with the next sync.
 */
export async function rejoinTeam(store: Store, log: SyncLog, dataDir: string, code: string, server: string): Promise<{ config: SyncConfig; from: string; queued: number }> {
  const current = requireConfig(dataDir, log);
  const { team, key } = decodeJoinCode(code);
  if (team === current.team) throw cairnError("SYNC_ALREADY", [current.team, redactUrl(current.server)]);
  const conn = await SyncServer.connect(server);
  try {
    await conn.checkSchema();
    if (!(await conn.retired(current.team))) throw cairnError("SYNC_ALREADY", [current.team, redactUrl(current.server)]);
    await assertJoinable(conn, team, key);
  } finally {
    await conn.close();
  }
  const { last: _last, retiring: _retiring, ...kept } = current;
  const config: SyncConfig = { ...kept, server, team, key, device: randomBytes(8).toString("hex") };
  switchTeam(store, log, dataDir, config);
  // What the next sync sends: what the old team had, and this device's changes it had not received yet.
  return { config, from: current.team, queued: log.outboxToSend(config.shared.projects, config.shared.global) };
}

/** This device's sync tables restarted for the team of `config` (sync-log restartForTeam), then its settings and key. */
function switchTeam(store: Store, log: SyncLog, dataDir: string, config: SyncConfig): void {
  store.transaction(() => {
    log.restartForTeam();
    // The key in the same transaction: a sync of another process sees the old team's tables or the new ones, never a mix.
    log.setTeamKey(config.key);
  });
  writeConfig(dataDir, log, config);
}
