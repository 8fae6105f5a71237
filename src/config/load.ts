/**
 * @module Loading configuration with precedence flags > environment (CAIRN_*) > config file > defaults,
 * validated once, with the source of every key kept for `cairn config --explain` and `cairn doctor`.
 */
import { existsSync, readFileSync } from "node:fs";
import * as z from "zod/mini";
import { cairnError, describeError } from "../errors.ts";
import { type Config, type ConfigKey, ConfigSchema, DEFAULTS, ENV_NAMES } from "./schema.ts";

export type ConfigSource = "flag" | "env" | "file" | "default";

export interface LoadedConfig {
  values: Readonly<Config>;
  sources: Readonly<Record<ConfigKey, ConfigSource>>;
  file: string;
}

type Env = Record<string, string | undefined>;

export const CONFIG_KEYS = Object.keys(DEFAULTS) as ConfigKey[];

/** Converts a string (from env or a `config set` argument) to the key's type; numbers are parsed, strings kept. */
export function coerce(key: ConfigKey, raw: string): unknown {
  return typeof DEFAULTS[key] === "number" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw.trim();
}

export function readConfigFile(file: string): Partial<Config> {
  if (!existsSync(file)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw cairnError("CONFIG_INVALID", [file, describeError(err)], err);
  }
  const parsed = z.partial(ConfigSchema).safeParse(json);
  if (!parsed.success) throw cairnError("CONFIG_INVALID", [file, formatIssue(parsed.error.issues[0])]);
  return parsed.data;
}

export function loadConfig(file: string, flags: Partial<Config> = {}, env: Env = process.env): LoadedConfig {
  const fromFile = readConfigFile(file);
  const fromEnv: Partial<Record<ConfigKey, unknown>> = {};
  for (const key of CONFIG_KEYS) {
    const raw = env[ENV_NAMES[key]];
    if (raw !== undefined && raw !== "") fromEnv[key] = coerce(key, raw);
  }
  const merged: Record<string, unknown> = {};
  const sources = {} as Record<ConfigKey, ConfigSource>;
  for (const key of CONFIG_KEYS) {
    const layers: Array<[ConfigSource, unknown]> = [
      ["flag", flags[key]],
      ["env", fromEnv[key]],
      ["file", fromFile[key]],
      ["default", DEFAULTS[key]],
    ];
    const [source, value] = layers.find(([, v]) => v !== undefined)!;
    merged[key] = value;
    sources[key] = source;
  }
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0] as ConfigKey | undefined;
    if (key && sources[key] === "env") throw cairnError("CONFIG_ENV_INVALID", [ENV_NAMES[key], formatIssue(issue)]);
    throw cairnError("CONFIG_INVALID", [file, formatIssue(issue)]);
  }
  return { values: Object.freeze(parsed.data), sources: Object.freeze(sources), file };
}

function formatIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return "invalid value";
  return issue.path.length > 0 ? `"${issue.path.join(".")}": ${issue.message}` : issue.message;
}
