/** @module The configuration keys, their types, defaults and environment variables. */
import * as z from "zod/mini";
import { RECALL_MODES } from "../domain/recall-mode.ts";

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export const NEW_STORES = ["plain", "encrypted"] as const;
export type NewStores = (typeof NEW_STORES)[number];

// zod/mini rather than zod: same validation, but it loads in ~2 ms instead of ~13 ms, and every CLI and
// hook invocation pays the load. Made when first asked: with nothing configured, no command needs it (load.ts).
const makeSchema = () =>
  z.strictObject({
    /** Default number of results for recall. */
    limit: z.int().check(z.minimum(1), z.maximum(1000)),
    /** Default recall mode. */
    mode: z.enum(RECALL_MODES),
    /** Default token budget for recall results; 0 = no budget. */
    budget: z.int().check(z.minimum(0)),
    /** The embedding model for dense recall (an id from `cairn models list`). */
    model: z.string().check(z.minLength(1)),
    /** Cross-encoder for reranking: "auto" (the first installed one), "none", or a model id. */
    reranker: z.string().check(z.minLength(1)),
    /** stderr log level. */
    logLevel: z.enum(LOG_LEVELS),
    /** How a store this configuration creates starts (keys/new-store.ts); an existing store keeps its form. */
    newStores: z.enum(NEW_STORES),
  });

let schema: ReturnType<typeof makeSchema> | undefined;

/** The configuration's schema (every key, its type and bounds). */
export const configSchema = () => (schema ??= makeSchema());

export type Config = z.infer<ReturnType<typeof makeSchema>>;
export type ConfigKey = keyof Config;

export const DEFAULTS: Config = {
  limit: 10,
  // Keyword BM25 fused with the embedded model; a model that cannot load degrades to keyword with a warning.
  mode: "hybrid",
  budget: 0,
  model: "use-lite",
  reranker: "auto",
  logLevel: "warn",
  newStores: "plain",
};

export const ENV_NAMES: Record<ConfigKey, string> = {
  limit: "CAIRN_LIMIT",
  mode: "CAIRN_MODE",
  budget: "CAIRN_BUDGET",
  model: "CAIRN_MODEL",
  reranker: "CAIRN_RERANKER",
  logLevel: "CAIRN_LOG_LEVEL",
  newStores: "CAIRN_NEW_STORES",
};

export const DESCRIPTIONS: Record<ConfigKey, string> = {
  limit: "default number of recall results",
  mode: `default recall mode (${RECALL_MODES.join(" | ")})`,
  budget: "default token budget for recall output (0 = none)",
  model: "embedding model for semantic/hybrid recall (see `cairn models list`)",
  reranker: "cross-encoder reranker: auto | none | <model id>",
  logLevel: `log level on stderr (${LOG_LEVELS.join(" | ")})`,
  newStores: `how a new store starts: ${NEW_STORES.join(" | ")} (encrypted: as \`cairn init --encrypt\`, key file unless CAIRN_KEY/CAIRN_PASSPHRASE)`,
};

/** What each key takes, in words (error messages for a bad value in the file or the environment). */
export const ALLOWED: Record<ConfigKey, string> = {
  limit: "a whole number from 1 to 1000",
  mode: RECALL_MODES.join(", "),
  budget: "a whole number of tokens, 0 or more (0 = no budget)",
  model: "a model id from `cairn models list`",
  reranker: "auto, none or a model id from `cairn models list`",
  logLevel: LOG_LEVELS.join(", "),
  newStores: NEW_STORES.join(", "),
};
