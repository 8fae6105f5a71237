/**
 * @module The warm daemon's loaded models, one per id, shared by the hooks' dense channel (dense-holder.ts) and
 * the embed requests of one-shot commands (embed-service.ts): one ONNX session per model however many ask
 * (~100 MB each). Loaded on first use; a model that fails to load is tried again by the next caller (it may
 * have been installed since). The daemon disposes them once, when it stops.
 */
import { type Embedder, traitsOf } from "../../embed/port.ts";

export class DaemonModels {
  readonly #dataDir: string;
  readonly #models = new Map<string, Promise<Embedder>>();

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  /**
   * The embedder of model `id`, shared: its `dispose` does nothing (a caller's channel may dispose what it was
   * given); {@link dispose} here releases the sessions.
   */
  open(id: string): Promise<Embedder> {
    let loading = this.#models.get(id);
    if (!loading) {
      loading = import("../../embed/open.ts").then(({ openEmbedderById }) => openEmbedderById(this.#dataDir, id));
      this.#models.set(id, loading);
      loading.catch(() => this.#models.delete(id));
    }
    return loading.then((e) => shared(e));
  }

  async dispose(): Promise<void> {
    const all = [...this.#models.values()];
    this.#models.clear();
    await Promise.all(all.map((m) => m.then((e) => e.dispose()).catch(() => undefined)));
  }
}

/** `e` with a dispose that leaves the session to its owner. */
function shared(e: Embedder): Embedder {
  return {
    ...traitsOf(e),
    embed: (texts, kind, opts) => e.embed(texts, kind, opts),
    dispose: async () => {},
  };
}
