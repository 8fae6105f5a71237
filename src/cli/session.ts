/**
 * @module Opening an Engine for one CLI command: paths, config, project, store, all chosen here (the CLI's
 * composition root), and closed again when the command finishes.
 */
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import { type Paths, resolvePaths } from "../config/paths.ts";
import { detectProjectKey, projectKeyOfDirectory } from "../config/project.ts";
import { Engine } from "../engine/engine.ts";
import { setLogLevel } from "../log.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import { buildRetrieval } from "./retrieval.ts";

export interface CliSession {
  engine: Engine;
  config: LoadedConfig;
  paths: Paths;
}

export function loadCliConfig(): { config: LoadedConfig; paths: Paths } {
  const paths = resolvePaths();
  const config = loadConfig(paths.configFile);
  setLogLevel(config.values.logLevel);
  return { config, paths };
}

/** Runs `fn` with an open engine and always closes the database afterwards. */
export async function withEngine<T>(fn: (s: CliSession) => T | Promise<T>): Promise<T> {
  const { config, paths } = loadCliConfig();
  const store = new SqliteStore(paths.dbFile);
  const retrieval = buildRetrieval(store, paths, config);
  const engine = new Engine({
    store,
    project: detectProjectKey(),
    locateProject: (ref) => projectKeyOfDirectory(ref),
    actor: "cli",
    channels: { dense: retrieval.dense },
    reranker: retrieval.reranker,
  });
  try {
    return await fn({ engine, config, paths });
  } finally {
    await retrieval.dispose();
    engine.close();
  }
}
