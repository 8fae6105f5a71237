/** @module Checking a `cairn config set` value before anything is written: each key's allowed values, said in the error. */
import type { ConfigKey } from "../config/schema.ts";
import { LOG_LEVELS, NEW_STORES } from "../config/schema.ts";
import { listModels } from "../embed/registry.ts";
import { cairnError } from "../errors.ts";
import { RECALL_MODES } from "../retrieve/channel.ts";

/** Whole numbers only, written plainly: "10", not "1e1", "10.0" or "ten". */
function wholeNumber(key: ConfigKey, raw: string, min: number, max: number | undefined, allowed: string): number {
  const n = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) throw cairnError("CONFIG_VALUE", [raw, key, allowed]);
  return n;
}

function oneOf(key: ConfigKey, raw: string, options: readonly string[]): string {
  if (!options.includes(raw)) throw cairnError("CONFIG_VALUE", [raw, key, options.join(", ")]);
  return raw;
}

/** A model id of the given kind whose files are present; the error lists the ones that are. */
function model(key: ConfigKey, raw: string, kind: "embedder" | "reranker", dataDir: string, extra: readonly string[] = []): string {
  if (extra.includes(raw)) return raw;
  const models = listModels(dataDir).filter((m) => m.entry.kind === kind);
  const usable = [...extra, ...models.filter((m) => m.available).map((m) => m.entry.id)];
  const found = models.find((m) => m.entry.id === raw);
  if (found && !found.available) throw cairnError("CONFIG_VALUE", [raw, key, `${usable.join(", ")} (${raw} is known but ${found.problem ?? "its files are missing"})`]);
  if (!found) {
    const none = usable.length === 0 ? "no installed model; add one with `cairn models add <dir>`" : usable.join(", ");
    throw cairnError("CONFIG_VALUE", [raw, key, `${none} (see \`cairn models list\`)`]);
  }
  return raw;
}

/** The value `raw` as it would be stored for `key`, or CONFIG_VALUE (exit 2) naming what is allowed. */
export function parseConfigValue(key: ConfigKey, value: string, dataDir: string): string | number {
  const raw = value.trim();
  switch (key) {
    case "limit":
      return wholeNumber(key, raw, 1, 1000, "a whole number from 1 to 1000");
    case "budget":
      return wholeNumber(key, raw, 0, undefined, "a whole number of tokens, 0 or more (0 = no budget)");
    case "mode":
      return oneOf(key, raw, RECALL_MODES);
    case "logLevel":
      return oneOf(key, raw, LOG_LEVELS);
    case "newStores":
      return oneOf(key, raw, NEW_STORES);
    case "model":
      return model(key, raw, "embedder", dataDir);
    case "reranker":
      return model(key, raw, "reranker", dataDir, ["auto", "none"]);
  }
}
