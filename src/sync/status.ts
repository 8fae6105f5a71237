/** @module What `cairn sync status` reports: the last sync, what waits to be sent, and what the server says (if it answers). */
import { CairnError, describeError } from "../errors.ts";
import type { SyncLog } from "../store/sync-log.ts";
import { type DeviceSeen, SyncServer } from "./server.ts";
import { type LastSync, redactUrl, type SyncConfig } from "./settings.ts";

export interface SyncStatus {
  server: string;
  team: string;
  device: string;
  shared: { projects: string[]; global: boolean };
  last: LastSync | null;
  /** Local changes not yet on the server (queued and sealed). */
  pending: number;
  cursor: number;
  reachable: boolean;
  error?: string;
  /** The server answered and refused (a wrong password, no such database, no cairn schema): not down. */
  refused?: boolean;
  /** Records on the server this device has not pulled yet, and the devices that wrote there: null when the server did not answer (unknown, not none). */
  behind: number | null;
  devices: DeviceSeen[] | null;
  /** The team was moved to a new key on another device (`cairn sync rotate`): this device must join the new one. */
  retired?: true;
}

export async function syncStatus(config: SyncConfig & { last?: LastSync }, log: SyncLog): Promise<SyncStatus> {
  const counts = log.counts();
  const cursor = log.get("cursor");
  const base: SyncStatus = {
    server: redactUrl(config.server), team: config.team, device: config.device, shared: config.shared,
    // Changes of memories in scopes not shared wait here and never leave: not counted (they read as stuck).
    last: config.last ?? null, pending: log.outboxToSend(config.shared.projects, config.shared.global) + counts.pending, cursor, reachable: false,
    behind: null, devices: null,
  };
  let server: SyncServer | undefined;
  try {
    // A status is a quick look: a server that stops answering is reported within seconds, not a sync's minute.
    server = await SyncServer.connect(config.server, 3, 10);
    await server.checkSchema();
    const [head, devices, retired] = await Promise.all([server.head(config.team), server.devices(config.team), server.retired(config.team)]);
    return { ...base, reachable: true, behind: Math.max(0, head - cursor), devices, ...(retired ? { retired } : {}) };
  } catch (err) {
    const refused = err instanceof CairnError && err.code !== "SYNC_UNREACHABLE";
    // The cause alone: the status line says itself that work goes on (QA: the whole message was repeated in it).
    const cause = err instanceof CairnError && (err.code === "SYNC_UNREACHABLE" || err.code === "SYNC_SERVER") ? String(err.args[1]) : describeError(err);
    return { ...base, error: cause, ...(refused ? { refused } : {}) };
  } finally {
    await server?.close();
  }
}
