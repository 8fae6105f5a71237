/**
 * @module Composition of the model-backed parts of recall for CLI commands and the MCP server: the dense
 * channel for the configured model and, when one is installed, the reranker. Nothing loads until a recall
 * needs it (the model runtime is a dynamic import), so other commands keep their fast start.
 */
import type { LoadedConfig } from "../config/load.ts";
import type { Paths } from "../config/paths.ts";
import type { Embedder, Reranker } from "../embed/port.ts";
import { type QueryAhead, withQueryAhead } from "../embed/query-ahead.ts";
import { findModel, pickReranker } from "../embed/registry.ts";
import { startEmbedWorker } from "../embed-worker.ts";
import { CairnError, cairnError } from "../errors.ts";
import { DenseChannel } from "../retrieve/dense-channel.ts";
import { FollowingDense } from "../retrieve/following-dense.ts";
import { CrossEncoderStage } from "../retrieve/rerank.ts";
import type { Store } from "../store/store.ts";

export interface Retrieval {
  /** The dense channel; a long-lived process has it follow the configured model (runtime.ts). */
  dense: FollowingDense;
  reranker?: CrossEncoderStage;
  dispose(): Promise<void>;
}

/** Opens the embedder for model `id`, or fails with MODEL_UNAVAILABLE saying why. */
export async function openModelEmbedder(dataDir: string, id: string, opts: { bulk?: boolean } = {}): Promise<Embedder> {
  const { openEmbedderById } = await import("../embed/open.ts");
  return openEmbedderById(dataDir, id, opts);
}

/** A model failure of reranker `id`, reworded: recall goes on without the rerank stage, not "keyword-only". */
export function asRerankerError(id: string, err: unknown): unknown {
  if (err instanceof CairnError && (err.code === "MODEL_UNAVAILABLE" || err.code === "MODEL_INVALID")) {
    return cairnError("RERANKER_UNAVAILABLE", [id, String(err.args[1] ?? err.message)], err);
  }
  return err;
}

/** Throws MODEL_UNAVAILABLE when model `id` is not installed here or its files are missing (no load: a registry read). */
function assertLoadable(dataDir: string, id: string): void {
  const info = findModel(dataDir, id);
  if (!info) throw cairnError("MODEL_UNAVAILABLE", [id, "no model with this id is installed (see `cairn models list`)"]);
  if (!info.available) throw cairnError("MODEL_UNAVAILABLE", [id, info.problem ?? "its files are missing"]);
}

/**
 * The dense channel a one-shot command searches with: a few fresh writes (~30 ms) are embedded before the
 * search, so a recall right after a remember finds them semantically; a backlog (an import, a worker that
 * died) is the data directory's worker's. Searches map the index file; when it is missing or far behind, the
 * background worker (one per directory; it refreshes the file once nothing is left to embed) rebuilds it off
 * this path. The warm daemon answers a CLI recall with the same channel (hooks/warm/recall-service.ts).
 * `oneShot`: the searcher is a one-shot command or answers for one, so its queries embed as such a command's
 * do (embed/port.ts EmbedOptions); a long-lived process's own searches keep its faster warm path.
 */
export function oneShotDense(store: Store, dataDir: string, model: string, open: () => Promise<Embedder>, oneShot: boolean): DenseChannel {
  return new DenseChannel({
    store,
    model,
    open,
    catchUpLimit: 32,
    oneShot,
    loadable: () => assertLoadable(dataDir, model),
    onBacklog: () => startEmbedWorker(dataDir),
    indexDir: dataDir,
    onStaleIndex: () => void startEmbedWorker(dataDir),
  });
}

/**
 * `oneShot`: a command that exits after one answer (the CLI) embeds through the warm hook daemon when one
 * runs (warm-embedder.ts) instead of loading the model; long-lived processes (MCP, UI) load it themselves.
 * `queryAhead`: the command's query, already being embedded on a thread (embed/query-ahead.ts).
 */
export function buildRetrieval(store: Store, paths: Paths, config: LoadedConfig, opts: { oneShot?: boolean; queryAhead?: QueryAhead } = {}): Retrieval {
  const { queryAhead } = opts;
  const dense = new FollowingDense(config.values.model, (model) => {
    const load = () => openModelEmbedder(paths.dataDir, model);
    const local = queryAhead && model === config.values.model ? async () => withQueryAhead(await load(), queryAhead) : load;
    const open = opts.oneShot ? async () => (await import("./warm-embedder.ts")).openOneShotEmbedder(paths.dataDir, model, local) : local;
    return oneShotDense(store, paths.dataDir, model, open, opts.oneShot === true);
  });
  const setting = config.values.reranker;
  const info = pickReranker(paths.dataDir, setting);
  let reranker: CrossEncoderStage | undefined;
  if (info || (setting !== "auto" && setting !== "none")) {
    reranker = new CrossEncoderStage(info?.entry.id ?? setting, async (): Promise<Reranker> => {
      if (!info) throw cairnError("RERANKER_UNAVAILABLE", [setting, "no reranker with this id is installed"]);
      const { openReranker } = await import("../embed/open.ts");
      try {
        return await openReranker(info);
      } catch (err) {
        throw asRerankerError(info.entry.id, err);
      }
    });
  }
  return {
    dense,
    reranker,
    async dispose() {
      await Promise.all([dense.dispose(), reranker?.dispose()]);
    },
  };
}
