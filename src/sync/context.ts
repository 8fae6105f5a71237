/** @module What a sync run works with: the store and its sync tables, the engine's purge path, the team's settings. */
import type { Memory } from "../domain/memory.ts";
import type { Engine } from "../engine/engine.ts";
import { cairnError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import { GLOBAL_SHARED_TYPE, type SyncLog } from "../store/sync-log.ts";
import type { SyncConfig } from "./settings.ts";

export interface SyncContext {
  store: Store;
  log: SyncLog;
  config: SyncConfig;
  /** The engine acting as `actor` (a pulled erase runs through its purge path, so hook state and quotes are scrubbed). */
  engineAs: (actor: string) => Engine;
  /** Awaited before each batch sent or applied: long-lived processes wait there while a request is served. */
  pause?: () => Promise<void>;
  /** Progress lines (stderr in the CLI); none by default. */
  progress?: (line: string) => void;
}

/** Whether memory `m` may leave this machine: its project is shared, or it is a global preference and those are. */
export function isShared(config: SyncConfig, m: Pick<Memory, "project" | "type">): boolean {
  return m.project === null ? config.shared.global && m.type === GLOBAL_SHARED_TYPE : config.shared.projects.includes(m.project);
}

/** Records per server round trip and per local transaction. */
export const BATCH = 500;

/**
 * SYNC_SETTINGS_CHANGED when the data directory no longer syncs with this run's team (another process rotated
 * the key, joined another team or left meanwhile): what the run would seal, send or apply belongs to the old one.
 */
export function assertCurrent(ctx: SyncContext): void {
  const key = ctx.log.teamKey();
  if (!key || !Buffer.from(key).equals(Buffer.from(ctx.config.key))) throw cairnError("SYNC_SETTINGS_CHANGED");
}
