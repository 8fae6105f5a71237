/**
 * @module Loading a HuggingFace ONNX folder through @huggingface/transformers, from local files only: remote
 * loading is switched off before anything is resolved, so a missing file is an error, never a download.
 */
import { basename, dirname } from "node:path";
import { cairnError, describeError } from "../errors.ts";
import type { ModelEntry } from "./manifest.ts";
import { loadOrt } from "./ort.ts";

type Transformers = typeof import("@huggingface/transformers");
let lib: Transformers | undefined;

export async function transformers(): Promise<Transformers> {
  if (lib) return lib;
  // transformers requires onnxruntime-node itself; its native library must be resident first.
  loadOrt();
  const t = await import("@huggingface/transformers");
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.useBrowserCache = false;
  t.env.useFSCache = false;
  // Its warnings went straight to stderr, before cairn's own message (QA: `Unknown model class "null", attempting
  // to construct from base class.` from `models add` of a folder without a model type); its errors still show.
  t.env.logLevel = t.LogLevel.ERROR;
  lib = t;
  return t;
}

/** Resolves `dir` the way transformers wants it: a model name under `localModelPath`. */
export async function loadFolder<T>(
  entry: ModelEntry,
  dir: string,
  load: (t: Transformers, name: string, options: Record<string, unknown>) => Promise<T>,
): Promise<T> {
  const t = await transformers();
  // env is global; loads are awaited one at a time by their callers, so setting it here is safe.
  t.env.localModelPath = `${dirname(dir)}/`;
  try {
    return await load(t, basename(dir), {
      local_files_only: true,
      device: "cpu",
      dtype: "fp32",
      ...(entry.onnxFile ? { model_file_name: entry.onnxFile } : {}),
    });
  } catch (err) {
    throw cairnError("MODEL_UNAVAILABLE", [entry.id, `cannot load ${dir} (${describeError(err)})`], err);
  }
}

/** Pulls a [batch, …] float tensor's data out of a transformers output object. */
export function tensorData(value: unknown, name: string, entryId: string): { data: Float32Array; dims: number[] } {
  const t = value as { data?: unknown; dims?: number[] } | undefined;
  if (!t || !(t.data instanceof Float32Array) || !Array.isArray(t.dims)) {
    throw cairnError("MODEL_UNAVAILABLE", [entryId, `the model returned no float "${name}" output`]);
  }
  return { data: t.data, dims: t.dims };
}

/**
 * `tokenizer` with a padding id: a folder whose tokenizer_config.json names no pad (nor eos) token left it
 * undefined, and the first batch of texts of different lengths failed inside transformers ("Invalid argument type
 * in ToBigInt"; QA). Padded positions are masked out, so the id only has to be a token: tokenizer.json's padding
 * id, else the unknown token's, else 0.
 */
export function withPadding<T>(tokenizer: T): T {
  const t = tokenizer as { pad_token_id?: number | null; unk_token_id?: number | null; _tokenizerJSON?: { padding?: { pad_id?: unknown } | null } };
  if (typeof t.pad_token_id === "number") return tokenizer;
  const fromJson = t._tokenizerJSON?.padding?.pad_id;
  t.pad_token_id = typeof fromJson === "number" ? fromJson : typeof t.unk_token_id === "number" ? t.unk_token_id : 0;
  return tokenizer;
}
