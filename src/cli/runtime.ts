/**
 * @module One wiring of an engine for the processes the CLI starts — a one-shot command, `cairn mcp`,
 * `cairn ui` — instead of one per command: configuration and paths, the store (created encrypted when the
 * configuration says so; opened with the role's key sources), the dense channel and reranker of the
 * configured model, and the engine with its actor, erasure port and recall recorder. Roles are presets.
 * (Hooks wire their own, keyword-only and lazily loaded: src/hooks/context.ts and the daemon's store holder.)
 */
import { loadConfig, type LoadedConfig } from "../config/load.ts";
import { FileWatch } from "../config/file-watch.ts";
import type { Paths } from "../config/paths.ts";
import { detectProject, detectProjectKey, projectKeyOfDirectory } from "../config/project.ts";
import type { Adopted } from "../engine/adopt-root.ts";
import { startEmbedWorker } from "../embed-worker.ts";
import type { QueryAhead } from "../embed/query-ahead.ts";
import { Engine } from "../engine/engine.ts";
import type { UnlockOptions } from "../keys/unlock.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import { SEARCH_THREAD_FROM } from "../store/search-thread.ts";
import { buildRetrieval, type Retrieval } from "./retrieval.ts";
import { CLI_UNLOCK, hookStateErasure, loadCliConfig, recallRecorder, refuseGoneDatabase, requireStore } from "./session.ts";
import { createConfiguredStore } from "../keys/new-store.ts";
import { progress } from "./output.ts";
import { staleBackups } from "../store/recode.ts";
import { log } from "../log.ts";
import { describeError } from "../errors.ts";

export type Role = "cli" | "mcp" | "ui";

interface Preset {
  /** Long-lived: a damaged file is found before the first write (quick check), and new memories are embedded in process. */
  longLived: boolean;
  /** Where the key of an encrypted store is looked for: an MCP server has no terminal to type a passphrase at. */
  unlock: UnlockOptions | undefined;
}

const PRESETS: Record<Role, Preset> = {
  cli: { longLived: false, unlock: CLI_UNLOCK },
  mcp: { longLived: true, unlock: undefined },
  ui: { longLived: true, unlock: CLI_UNLOCK },
};

export interface RuntimeOptions {
  /** The audit actor; a function when it is learnt later (an MCP client's name). */
  actor: string | (() => string);
  /** The configuration and paths when the command already loaded them (loadCliConfig). */
  loaded?: { config: LoadedConfig; paths: Paths };
  /** A one-shot recall's query already being embedded on a thread (embed/query-ahead.ts). */
  queryAhead?: QueryAhead;
  /**
   * Whether a CAIRN_HOME that does not exist may be created (commands that store memories, the MCP server);
   * otherwise it is NO_STORE, most likely a typo. A missing database in an existing directory is created
   * either way, encrypted when the configuration says so.
   */
  create: boolean;
}

export interface Runtime {
  config: LoadedConfig;
  paths: Paths;
  /** The concrete store, for what works below the engine (team sync's local tables, the idle sweep's clock). */
  store: SqliteStore;
  engine: Engine;
  retrieval: Retrieval;
  /**
   * For long-lived processes, between requests (no read open): finishes an erasure a purge left pending
   * (store/pending-erasure.ts), perhaps because of this process's own read, and runs the integrity check
   * they do before their first write (it reads the whole file: 8 s at 1M memories) now rather than inside a
   * request (only when `quiet`: no request in flight). A stat when there is nothing to do.
   */
  betweenRequests(quiet?: boolean): void;
  /** Disposes the models and closes the store; a one-shot command that wrote starts the embedding worker. */
  close(): Promise<void>;
}

/** A re-encoding copy younger than this may be a running encrypt's own backup: not reported. */
const LEFT_COPY_AFTER_MS = 3_600_000;

/**
 * A copy an interrupted encrypt, decrypt or key rotate left beside the database (the store in its old
 * encoding: in the clear, after an encrypt) is reported on stderr by every command, not only by doctor.
 */
/** What engine/adopt-root.ts did with the memories of this repository from before it had a git remote. */
function announceAdopted(adopted: Adopted, project: string, root: string): void {
  const n = adopted.moved;
  if (n > 0) progress(`cairn: ${n} ${n === 1 ? "memory" : "memories"} of this repository from before it had a git remote now ${n === 1 ? "belongs" : "belong"} to ${project}.`);
  if (adopted.keptFor) log.warn(`this repository's memories from before it had a git remote stay under its path, since ${adopted.keptFor}; \`cairn list --project ${root}\` shows them`);
}

function warnLeftCopies(dbFile: string): void {
  const left = staleBackups(dbFile).filter((n) => Date.now() - Number(n.slice(n.lastIndexOf("-") + 1)) > LEFT_COPY_AFTER_MS);
  if (left.length > 0) log.warn(`${left.join(", ")} beside the database: a copy an interrupted encrypt, decrypt or key rotate left (it may hold the memories in the clear); \`cairn doctor --repair\` removes it`);
}

/** How long a long-lived process waits before measuring for the planner again after it could not. */
const MEASURE_RETRY_MS = 60_000;

export function openRuntime(role: Role, opts: RuntimeOptions): Runtime {
  const preset = PRESETS[role];
  const { config, paths } = opts.loaded ?? loadCliConfig();
  if (!opts.create) requireStore(paths);
  else refuseGoneDatabase(paths);
  createConfiguredStoreHere(paths, config);
  const store = new SqliteStore(paths.dbFile, { verifyBeforeWrite: preset.longLived, ...(preset.longLived ? { searchThreadFrom: SEARCH_THREAD_FROM } : {}), unlock: preset.unlock });
  warnLeftCopies(paths.dbFile);
  // A one-shot command embeds its query through the warm hook daemon when one runs (cli/warm-embedder.ts).
  const retrieval = buildRetrieval(store, paths, config, { oneShot: !preset.longLived, queryAhead: opts.queryAhead });
  let wrote = false;
  const configWatch = new FileWatch(paths.configFile);
  /** When to measure for the planner next: at once, again a minute after a failed try, never after one succeeded. */
  let measureAt = 0;
  /** What went wrong between requests last, said once. */
  let lastProblem = "";
  const engine = new Engine({
    store,
    project: detectProjectKey(),
    locateProject: (ref) => projectKeyOfDirectory(ref),
    actor: opts.actor,
    channels: { dense: retrieval.dense },
    reranker: retrieval.reranker,
    // A long-lived process embeds new memories itself, in the background; a one-shot command leaves them to
    // the data directory's worker, started as it exits.
    onWrite: preset.longLived ? () => retrieval.dense.schedule() : () => (wrote = true),
    // Purges (a forget --hard, an idle retention sweep) clean hook state and summaries quoting the text too.
    erasure: hookStateErasure(paths.dataDir),
    onRecall: recallRecorder(paths.dataDir, role),
  });
  const root = detectProject();
  announceAdopted(engine.adoptRoot(root), engine.project, root);
  return {
    config,
    paths,
    store,
    engine,
    retrieval,
    betweenRequests(quiet = true) {
      try {
        if (engine.pendingErasure()) engine.finishErasure();
        if (!quiet) return;
        if (preset.longLived && configWatch.changed()) followModel(retrieval, paths.configFile);
        store.checkIntegrityNow();
        // Once per process: a store grown by one-shot writes gets its planner statistics. Retried a minute after
        // a busy or read-only attempt, not every check: each waits up to 200 ms for another process's lock.
        if (Date.now() >= measureAt) measureAt = store.refreshPlannerStats() ? Number.POSITIVE_INFINITY : Date.now() + MEASURE_RETRY_MS;
      } catch (err) {
        // Nobody waits on this: a problem (the store re-keyed by `cairn encrypt`, a damaged file) is said once, not
        // thrown from a timer as a stack trace (QA); the next request meets it and answers with what to do.
        const problem = describeError(err);
        if (problem !== lastProblem) log.warn(problem);
        lastProblem = problem;
      }
    },
    async close() {
      try {
        await retrieval.dispose();
        // Also when a keyword search found no keyword index file it could use (say one an earlier cairn wrote
        // in another format): the worker writes it, so the next searches rank from it.
        if ((wrote && pendingVectors(store, config.values.model)) || store.keywordFileWanted) startEmbedWorker(paths.dataDir);
      } finally {
        engine.close();
      }
    },
  };
}

/**
 * A long-lived process's dense channel follows the configuration's model, once no request is in flight (QA: after
 * `cairn models use`, a running `cairn mcp` searched and embedded with the old model until restarted).
 */
function followModel(retrieval: Retrieval, configFile: string): void {
  const model = loadConfig(configFile).values.model;
  if (retrieval.dense.follow(model)) log.info(`the configured model is now ${model}: recall searches with it`);
}

/** Whether memories lack vectors; false when the database cannot say (a damaged file is reported already). */
function pendingVectors(store: SqliteStore, model: string): boolean {
  try {
    return store.vectors.pendingCount(model) > 0;
  } catch {
    return false;
  }
}

/**
 * Creates the store encrypted when the configuration says new stores start so (`newStores: encrypted`) and
 * none exists yet, saying on stderr where the key went; otherwise does nothing.
 */
function createConfiguredStoreHere(paths: Paths, config: LoadedConfig): void {
  const savedIn = createConfiguredStore(paths.dbFile, config.values.newStores);
  if (savedIn) progress(`Created an encrypted store at ${paths.dbFile} (newStores: encrypted); its key: ${savedIn}. Keep a copy somewhere safe: without it these memories cannot be read.`);
}
