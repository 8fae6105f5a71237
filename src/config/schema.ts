/** @module The configuration keys, their types, defaults and environment variables. */
import * as z from "zod/mini";
import { RECALL_MODES } from "../retrieve/channel.ts";

// zod/mini rather than zod: same validation, but it loads in ~2 ms instead of ~13 ms, and every CLI and
// hook invocation pays the load.
export const ConfigSchema = z.strictObject({
  /** Default number of results for recall. */
  limit: z.int().check(z.minimum(1), z.maximum(1000)),
  /** Default recall mode. */
  mode: z.enum(RECALL_MODES),
  /** Default token budget for recall results; 0 = no budget. */
  budget: z.int().check(z.minimum(0)),
  /** stderr log level. */
  logLevel: z.enum(["debug", "info", "warn", "error", "silent"]),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigKey = keyof Config;

export const DEFAULTS: Config = {
  limit: 10,
  // Keyword until an embedding model is installed; hybrid becomes the default once dense recall ships.
  mode: "keyword",
  budget: 0,
  logLevel: "warn",
};

export const ENV_NAMES: Record<ConfigKey, string> = {
  limit: "CAIRN_LIMIT",
  mode: "CAIRN_MODE",
  budget: "CAIRN_BUDGET",
  logLevel: "CAIRN_LOG_LEVEL",
};

export const DESCRIPTIONS: Record<ConfigKey, string> = {
  limit: "default number of recall results",
  mode: `default recall mode (${RECALL_MODES.join(" | ")})`,
  budget: "default token budget for recall output (0 = none)",
  logLevel: "log level on stderr (debug | info | warn | error | silent)",
};
