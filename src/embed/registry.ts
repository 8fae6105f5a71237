/**
 * @module Which models exist and whether their files are there: the built-in manifest (models/manifest.json,
 * bundled) plus models the user added (`<data dir>/models/manifest.json`). Cheap: loads no model runtime.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod/mini";
import builtinManifest from "../../models/manifest.json" with { type: "json" };
import { cairnError, describeError } from "../errors.ts";
import { assets, SOURCE_MODELS_DIR } from "./assets.ts";
import { folderFiles, type Manifest, manifestFileSchema, type ModelEntry, USE_LITE_SOURCE } from "./manifest.ts";

export interface ModelInfo {
  entry: ModelEntry;
  origin: "builtin" | "user";
  /** All files present (built in, or on disk). */
  available: boolean;
  /** What is missing, when not available. */
  problem?: string;
  /** The folder on disk (HF models in source runs and user models); embedded folders are extracted on load. */
  dir?: string;
}

export const DEFAULT_MODEL = "use-lite";

export function userModelsDir(dataDir: string): string {
  return join(dataDir, "models");
}

export function readUserManifest(dataDir: string): Manifest {
  const file = join(userModelsDir(dataDir), "manifest.json");
  if (!existsSync(file)) return { models: [] };
  try {
    return z.parse(manifestFileSchema(), JSON.parse(readFileSync(file, "utf8")));
  } catch (err) {
    throw cairnError("CONFIG_INVALID", [file, describeError(err)], err);
  }
}

export function writeUserManifest(dataDir: string, manifest: Manifest): void {
  const dir = userModelsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, "manifest.json");
  writeFileSync(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

function missingFiles(dir: string, entry: ModelEntry): string[] {
  return folderFiles(entry).required.filter((f) => !existsSync(join(dir, f)));
}

function builtinInfo(entry: ModelEntry): ModelInfo {
  if (entry.source === USE_LITE_SOURCE) {
    const ok = existsSync(assets.useLite.model) && existsSync(assets.useLite.vocab);
    return { entry, origin: "builtin", available: ok, problem: ok ? undefined : `${assets.useLite.model} is missing; run \`npm run build\`` };
  }
  if (assets.embedded) {
    const ok = assets.folders[entry.id] !== undefined;
    return { entry, origin: "builtin", available: ok, problem: ok ? undefined : "not included in this build (its folder was absent when cairn was built)" };
  }
  const dir = join(SOURCE_MODELS_DIR, entry.source);
  const missing = missingFiles(dir, entry);
  return { entry, origin: "builtin", available: missing.length === 0, dir, problem: missing.length ? `not in models/${entry.source} (missing ${missing.join(", ")})` : undefined };
}

export function listModels(dataDir: string): ModelInfo[] {
  const builtins = ((builtinManifest as Manifest).models ?? []).map(builtinInfo);
  const users = readUserManifest(dataDir).models.map((entry): ModelInfo => {
    const dir = join(userModelsDir(dataDir), entry.source);
    const missing = missingFiles(dir, entry);
    return { entry, origin: "user", available: missing.length === 0, dir, problem: missing.length ? `files missing in ${dir}: ${missing.join(", ")}` : undefined };
  });
  // A user model shadows a built-in of the same id (e.g. a locally downloaded bge-small).
  const userIds = new Set(users.map((u) => u.entry.id));
  return [...builtins.filter((b) => !userIds.has(b.entry.id)), ...users];
}

export function findModel(dataDir: string, id: string): ModelInfo | undefined {
  return listModels(dataDir).find((m) => m.entry.id === id);
}

/** The reranker recall should use: the configured id, the first available one for "auto", none for "none". */
export function pickReranker(dataDir: string, setting: string): ModelInfo | undefined {
  if (setting === "none") return undefined;
  const rerankers = listModels(dataDir).filter((m) => m.entry.kind === "reranker");
  if (setting === "auto") return rerankers.find((m) => m.available);
  return rerankers.find((m) => m.entry.id === setting);
}

/** Whether recall reranks with this setting: a reranker is installed (auto) or one is named (even if missing). */
export function reranks(dataDir: string, setting: string): boolean {
  return pickReranker(dataDir, setting) !== undefined || (setting !== "auto" && setting !== "none");
}
