/**
 * @module Opening a model from its registry entry. Imported dynamically (by the composition root), so
 * commands that never embed do not load onnxruntime or transformers.
 */
import { cairnError } from "../errors.ts";
import { assets } from "./assets.ts";
import { contentKey, extractFile } from "./extract.ts";
import { USE_LITE_SOURCE } from "./manifest.ts";
import type { Embedder, Reranker } from "./port.ts";
import { findModel, type ModelInfo } from "./registry.ts";
import { UseLiteEmbedder } from "./use-lite.ts";

/** A real folder for a HF model: on disk already, or extracted from the binary to the cache. */
function folderOf(info: ModelInfo): string {
  const files = assets.folders[info.entry.id];
  if (info.origin === "builtin" && assets.embedded && files) {
    const key = `${info.entry.id}-${contentKey(Object.values(files))}`;
    let dir = "";
    for (const [rel, path] of Object.entries(files)) {
      const real = extractFile(path, "models", key, rel);
      dir = real.slice(0, real.length - rel.length - 1);
    }
    return dir;
  }
  if (!info.dir) throw cairnError("MODEL_UNAVAILABLE", [info.entry.id, "it has no files in this build"]);
  return info.dir;
}

function checkAvailable(info: ModelInfo): void {
  if (!info.available) throw cairnError("MODEL_UNAVAILABLE", [info.entry.id, info.problem ?? "its files are missing"]);
}

/** `bulk`: the session embeds many memories at once (all cores) rather than answering queries (one thread). */
export async function openEmbedder(info: ModelInfo, opts: { bulk?: boolean } = {}): Promise<Embedder> {
  checkAvailable(info);
  if (info.entry.kind !== "embedder") throw cairnError("MODEL_INVALID", [info.entry.id, "it is a reranker, not an embedding model"]);
  if (info.entry.source === USE_LITE_SOURCE) return UseLiteEmbedder.open(opts.bulk ? { threads: Math.min(4, navigator.hardwareConcurrency || 2) } : {});
  const { HfEmbedder } = await import("./hf.ts");
  return HfEmbedder.open(info.entry, folderOf(info));
}

export async function openReranker(info: ModelInfo): Promise<Reranker> {
  checkAvailable(info);
  if (info.entry.kind !== "reranker") throw cairnError("MODEL_INVALID", [info.entry.id, "it is an embedding model, not a reranker"]);
  const { HfReranker } = await import("./hf-reranker.ts");
  return HfReranker.open(info.entry, folderOf(info));
}

/** Opens the embedder for model `id` installed under `dataDir`, or fails with MODEL_UNAVAILABLE saying why. */
export async function openEmbedderById(dataDir: string, id: string, opts: { bulk?: boolean } = {}): Promise<Embedder> {
  const info = findModel(dataDir, id);
  if (!info) throw cairnError("MODEL_UNAVAILABLE", [id, "no model with this id is installed (see `cairn models list`)"]);
  return openEmbedder(info, opts);
}
