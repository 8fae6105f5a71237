/**
 * @module What CLI commands share: the configuration and paths, how keys are asked for, the audit actor, and
 * {@link withEngine}, an engine for one command (wired by runtime.ts) closed again when the command finishes.
 */
import { existsSync } from "node:fs";
import { appendActivity } from "../activity/log.ts";
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import { homeMissing, type Paths, resolvePaths } from "../config/paths.ts";
import type { Engine } from "../engine/engine.ts";
import type { QueryAhead } from "../embed/query-ahead.ts";
import { cairnError, damagedDatabaseError } from "../errors.ts";
import { setLogLevel } from "../log.ts";
import { assertDatabaseHere, removeAuditKeyFile } from "../store/audit-key.ts";
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

/** Fails with NO_STORE when CAIRN_HOME names a directory that does not exist (config/paths.ts homeMissing). */
export function requireStore(paths: Paths): void {
  if (homeMissing(paths)) throw cairnError("NO_STORE", [paths.dataDir, "CAIRN_HOME"]);
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
  const loaded = opts.loaded ?? loadCliConfig();
  // A store this command makes goes again when the command fails with it still empty: a refused import or a
  // failed `sync join` left one, while saying nothing was changed (QA).
  const made = !existsSync(loaded.paths.dbFile);
  const dirMade = !existsSync(loaded.paths.dataDir);
  const runtime = openRuntime("cli", { actor: cliActor(), create: opts.create === true, loaded, queryAhead: opts.queryAhead });
  const { engine, config, paths, store } = runtime;
  let failed = false;
  try {
    return await fn({ engine, config, paths, store });
  } catch (err) {
    failed = true;
    const damaged = damagedDatabaseError(err, paths.dbFile);
    // Checked whole, then marked, so every later command refuses the file too (store/damage-mark.ts).
    if (damaged) (await import("../store/integrity-check.ts")).confirmDamage(paths.dbFile);
    throw damaged ?? err;
  } finally {
    await runtime.close();
    if (failed && made) dropEmptyStore(paths.dbFile, dirMade ? paths.dataDir : null);
  }
}

/**
 * Removes the store at `dbFile` with its WAL files and audit key, only while it holds no memory, and `dir` (the
 * data folder the command made for it) when nothing else is in it.
 */
function dropEmptyStore(dbFile: string, dir: string | null): void {
  // Loaded here: most commands never fail this way, and start-up pays for every module.
  const { Database } = require("bun:sqlite") as typeof import("bun:sqlite");
  const { rmdirSync, rmSync } = require("node:fs") as typeof import("node:fs");
  const { secureDelete } = require("../store/db.ts") as typeof import("../store/db.ts");
  try {
    const db = secureDelete(new Database(dbFile, { readonly: true }));
    try {
      if ((db.query("SELECT count(*) AS n FROM memories").get() as { n: number }).n > 0) return;
    } finally {
      db.close();
    }
  } catch {
    return; // not a store cairn can read: left as it is
  }
  for (const file of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(file, { force: true });
  removeAuditKeyFile(dbFile);
  if (dir === null) return;
  try {
    rmdirSync(dir); // only when empty
  } catch {
    // something else is in it: kept
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
