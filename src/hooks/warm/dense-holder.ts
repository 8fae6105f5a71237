/**
 * @module The warm daemon's loaded model: one dense channel over the daemon's store, handed to every event
 * (PreToolUse weighs meaning with it: hooks/pre-tool-meaning.ts; prompts were measured with it and stay on
 * keywords, see DESIGN.md). A cold hook process never loads it (~450 ms). The daemon loads it once quiet
 * (server.ts), sharing the session with one-shot commands' embed requests (daemon-models.ts); a model that
 * cannot load leaves the hooks on keyword evidence (logged once).
 */
import { FileWatch } from "../../config/file-watch.ts";
import { loadConfig } from "../../config/load.ts";
import type { Paths } from "../../config/paths.ts";
import { startEmbedWorker } from "../../embed-worker.ts";
import { Engine } from "../../engine/engine.ts";
import { DenseChannel } from "../../retrieve/dense-channel.ts";
import type { SqliteStore } from "../../store/sqlite-store.ts";
import type { DaemonModels } from "./daemon-models.ts";

/**
 * A hook embeds at most this many fresh memories before its search (a capture of the same session, a
 * remember moments ago), within CATCH_UP_MS; a larger backlog is the background worker's.
 */
const CATCH_UP = 16;
const CATCH_UP_MS = 40;

export class DenseHolder {
  readonly #paths: Paths;
  readonly #store: () => SqliteStore;
  readonly #models: DaemonModels;
  #dense: DenseChannel | null = null;
  /** The model #dense searches with. */
  #model = "";
  readonly #config: FileWatch;

  constructor(paths: Paths, store: () => SqliteStore, models: DaemonModels) {
    this.#paths = paths;
    this.#store = store;
    this.#models = models;
    this.#config = new FileWatch(paths.configFile);
  }

  /**
   * The channel (built on first use, over the daemon's open store), for the configured model: after a
   * `cairn models use` the next event gets the new model's (the daemon lives through a working session).
   */
  get(): DenseChannel {
    const changed = this.#dense !== null && this.#config.changed() ? this.#configuredModel() : null;
    if (this.#dense && (changed === null || changed === this.#model)) return this.#dense;
    void this.#dense?.dispose().catch(() => undefined);
    const { dataDir } = this.#paths;
    const model = changed ?? loadConfig(this.#paths.configFile).values.model;
    this.#model = model;
    this.#dense = new DenseChannel({
      store: this.#store(),
      open: () => this.#models.open(model),
      catchUpLimit: CATCH_UP,
      catchUpMs: CATCH_UP_MS,
      onBacklog: () => startEmbedWorker(dataDir),
      indexDir: dataDir,
      onStaleIndex: () => void startEmbedWorker(dataDir),
    });
    return this.#dense;
  }

  /** The configuration's model; null when the file does not load now (an edit half done: the old model stays). */
  #configuredModel(): string | null {
    try {
      return loadConfig(this.#paths.configFile).values.model;
    } catch {
      return null;
    }
  }

  /** Loads the model and the vectors with one search, so the first event pays for neither. */
  async warm(): Promise<void> {
    const engine = new Engine({ store: this.#store(), project: "", actor: "hookd", channels: { dense: this.get() } });
    const { warnings } = await engine.recall({ query: "warm up", mode: "semantic", limit: 1, track: false, abstain: false, allProjects: true });
    if (warnings.length > 0) throw new Error(warnings.join("; "));
  }

  async dispose(): Promise<void> {
    await this.#dense?.dispose();
    this.#dense = null;
  }
}
