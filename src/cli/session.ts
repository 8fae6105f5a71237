/**
 * @module What CLI commands share: the configuration and paths, how keys are asked for, the audit actor, and
 * {@link withEngine}, an engine for one command (wired by runtime.ts) closed again when the command finishes.
 */
import { existsSync } from "node:fs";
import { appendActivity } from "../activity/log.ts";
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import { type Paths, resolvePaths } from "../config/paths.ts";
import type { Engine } from "../engine/engine.ts";
import type { QueryAhead } from "../embed/query-ahead.ts";
import { cairnError, damagedDatabaseError } from "../errors.ts";
import { setLogLevel } from "../log.ts";
import { assertDatabaseHere } from "../store/audit-key.ts";
import type { SqliteStore } from "../store/sqlite-store.ts";
import type { ErasurePort } from "../engine/context.ts";
import type { UnlockOptions } from "../keys/unlock.ts";
import { promptHidden } from "./tty-prompt.ts";

/** How CLI commands find an encrypted store's key: the usual sources, then a passphrase typed at the terminal. */
export const CLI_UNLOCK: UnlockOptions = { prompt: promptHidden };

export interface CliSession {
  engine: Engine;
  /** The concrete store, for what works below the engine (team sync's local tables). */
  store: SqliteStore;
  config: LoadedConfig;
  paths: Paths;
}

export function loadCliConfig(): { config: LoadedConfig; paths: Paths } {
  const paths = resolvePaths();
  const config = loadConfig(paths.configFile);
  setLogLevel(config.values.logLevel);
  return { config, paths };
}

/**
 * True when CAIRN_HOME names a directory that does not exist: most likely a typo, so commands that only
 * read (or change existing memories) must say so instead of creating an empty store there.
 */
export function storeMissing(paths: Paths): boolean {
  return paths.source === "CAIRN_HOME" && !existsSync(paths.dataDir);
}

/** Fails with NO_STORE when {@link storeMissing}. */
export function requireStore(paths: Paths): void {
  if (storeMissing(paths)) throw cairnError("NO_STORE", [paths.dataDir, "CAIRN_HOME"]);
  // Nor a store deleted with its audit key left: encrypt, decrypt, key rotate, models and logs made an empty one (QA).
  refuseGoneDatabase(paths);
}

/** DATABASE_GONE when the store at `paths` was deleted and its audit key left (store/audit-key.ts). */
export function refuseGoneDatabase(paths: Paths): void {
  assertDatabaseHere(paths.dbFile);
}

/**
 * Runs `fn` with an open engine (runtime.ts, role "cli") and always closes the database afterwards. Only
 * commands that store new memories pass `create: true`; the others fail with NO_STORE rather than create an
 * empty store in a CAIRN_HOME that does not exist.
 */
export async function withEngine<T>(
  fn: (s: CliSession) => T | Promise<T>,
  opts: { create?: boolean; loaded?: { config: LoadedConfig; paths: Paths }; queryAhead?: QueryAhead } = {},
): Promise<T> {
  const { openRuntime } = await import("./runtime.ts");
  const runtime = openRuntime("cli", { actor: cliActor(), create: opts.create === true, loaded: opts.loaded, queryAhead: opts.queryAhead });
  const { engine, config, paths, store } = runtime;
  try {
    return await fn({ engine, config, paths, store });
  } catch (err) {
    const damaged = damagedDatabaseError(err, paths.dbFile);
    // Checked whole, then marked, so every later command refuses the file too (store/damage-mark.ts).
    if (damaged) (await import("../store/integrity-check.ts")).confirmDamage(paths.dbFile);
    throw damaged ?? err;
  } finally {
    await runtime.close();
  }
}

/** Records each recall's time in the activity log (activity/log.ts), for the ui's latency chart. */
export function recallRecorder(dataDir: string, via: string): (info: { ms: number; mode: string; results: number }) => void {
  return (info) => appendActivity(dataDir, { kind: "recall", at: Date.now(), via, ms: Math.round(info.ms * 10) / 10, mode: info.mode, results: info.results });
}

/** The CLI's audit actor: the user running it, from the environment (node:os would cost start-up time). */
export function cliActor(env: Record<string, string | undefined> = process.env): string {
  const user = env.USER || env.LOGNAME || env.USERNAME;
  return user ? `cli:${user}` : "cli";
}

/**
 * Hook-state erasure for purges (hooks/state-erase.ts), loaded on the first purge: most commands never
 * purge, and the module and its quote matching would otherwise load on every command's start.
 */
export function hookStateErasure(dataDir: string): ErasurePort {
  let port: ErasurePort | undefined;
  const load = () => (port ??= (require("../hooks/state-erase.ts") as typeof import("../hooks/state-erase.ts")).hookStateErasure(dataDir));
  return { begin: () => load().begin(), scrub: (texts) => load().scrub(texts) };
}
