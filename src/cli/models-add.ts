/**
 * @module `cairn models add <dir>`: validates a HuggingFace ONNX folder, copies what loading needs into the
 * data dir, proves it loads and runs (before anything is registered), and records a manifest entry.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { folderFiles, type ModelEntry, modelEntrySchema } from "../embed/manifest.ts";
import { readUserManifest, userModelsDir, writeUserManifest } from "../embed/registry.ts";
import { CairnError, cairnError, describeError } from "../errors.ts";
import * as z from "zod/mini";

export interface AddOptions {
  id?: string;
  kind?: string;
  pooling?: string;
  queryPrefix?: string;
  documentPrefix?: string;
  maxLength?: number;
  normalize?: boolean;
  onnxFile?: string;
  minScore?: number;
}

/** Reads the folder's config.json to guess kind and pooling: classifiers are rerankers; BGE-style models use CLS. */
function guess(dir: string, o: AddOptions): Partial<ModelEntry> {
  let config: { architectures?: string[]; max_position_embeddings?: number; _name_or_path?: string } = {};
  try {
    config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  } catch (err) {
    throw cairnError("MODEL_INVALID", [dir, `config.json is not valid JSON (${describeError(err)})`]);
  }
  const classifier = (config.architectures ?? []).some((a) => a.endsWith("ForSequenceClassification"));
  const name = `${config._name_or_path ?? ""} ${basename(dir)}`.toLowerCase();
  return {
    kind: (o.kind as ModelEntry["kind"]) ?? (classifier ? "reranker" : "embedder"),
    pooling: (o.pooling as ModelEntry["pooling"]) ?? (/bge|gte-base-en-v1\.5/.test(name) ? "cls" : "mean"),
    maxLength: o.maxLength ?? Math.min(config.max_position_embeddings ?? 512, 512),
  };
}

/** Copies the folder into the data dir and returns the entry to register (after `verify` succeeded). */
export async function addModelFolder(
  dataDir: string,
  source: string,
  o: AddOptions,
  verify: (entry: ModelEntry, dir: string) => Promise<number | undefined>,
): Promise<ModelEntry> {
  const dir = resolve(source);
  if (!existsSync(dir)) throw cairnError("MODEL_INVALID", [dir, "no such directory"]);
  const g = guess(dir, o);
  const id = o.id ?? basename(dir);
  const draft = {
    id,
    kind: g.kind,
    source: id,
    pooling: g.kind === "embedder" ? g.pooling : undefined,
    normalize: g.kind === "embedder" ? (o.normalize ?? true) : undefined,
    maxLength: g.maxLength,
    queryPrefix: o.queryPrefix,
    documentPrefix: o.documentPrefix,
    onnxFile: o.onnxFile,
    minScore: o.minScore,
  };
  const parsed = z.safeParse(modelEntrySchema(), JSON.parse(JSON.stringify(draft)));
  if (!parsed.success) throw cairnError("MODEL_INVALID", [dir, `${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`]);
  let entry = parsed.data;
  const { required, optional } = folderFiles(entry);
  const missing = required.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) throw cairnError("MODEL_INVALID", [dir, `missing ${missing.join(", ")} (a HuggingFace ONNX export has tokenizer.json, tokenizer_config.json, config.json and onnx/model.onnx)`]);
  const root = userModelsDir(dataDir);
  // Not a dot-name: transformers refuses model names that start with "." (hidden folders).
  const staging = join(root, `_staging-${process.pid}-${id}`);
  mkdirSync(join(staging, "onnx"), { recursive: true, mode: 0o700 });
  try {
    for (const f of [...required, ...optional.filter((f) => existsSync(join(dir, f)))]) cpSync(join(dir, f), join(staging, f));
    let dims: number | undefined;
    try {
      dims = await verify(entry, staging);
    } catch (err) {
      // Why it did not load, not what recall does without a model: nothing was added.
      const why = err instanceof CairnError && (err.code === "MODEL_UNAVAILABLE" || err.code === "RERANKER_UNAVAILABLE") ? String(err.args[1]) : describeError(err);
      throw cairnError("MODEL_INVALID", [dir, `it does not load (${why.replace(/\s+/g, " ").slice(0, 300)}); nothing was added`], err);
    }
    if (dims !== undefined) entry = { ...entry, dims };
    const target = join(root, id);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    // A models folder this add created and left empty goes too.
    try {
      if (readdirSync(root).length === 0) rmSync(root, { recursive: true, force: true });
    } catch {
      // not there, or not empty
    }
  }
  const manifest = readUserManifest(dataDir);
  writeUserManifest(dataDir, { models: [...manifest.models.filter((m) => m.id !== id), entry] });
  return entry;
}
