/**
 * @module Loading configuration with precedence flags > environment (CAIRN_*) > config file > defaults,
 * validated once, with the source of every key kept for `cairn config --explain` and `cairn doctor`.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import * as z from "zod/mini";
import { cairnError, describeError } from "../errors.ts";
import { log } from "../log.ts";
import { ALLOWED, type Config, type ConfigKey, configSchema, DEFAULTS, ENV_NAMES } from "./schema.ts";

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

/**
 * The file's JSON object as written (a leading byte-order mark, which some editors add, is skipped); null when
 * there is no file. `cairn config set` and `unset` rewrite it from this, keeping settings this version does not know.
 */
export function readConfigJson(file: string): Record<string, unknown> | null {
  if (!existsSync(file)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
  } catch (err) {
    throw cairnError("CONFIG_UNREADABLE", [file, describeError(err)], err);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw cairnError("CONFIG_UNREADABLE", [file, "it is not a JSON object ({ \"key\": value, … })"]);
  return json as Record<string, unknown>;
}

/** Files whose unknown settings were reported already (once per process). */
const warned = new Set<string>();

/**
 * The known settings of the file. A setting this version does not know (written by a newer cairn, or a typo) is
 * ignored with one warning on stderr, so it never stops every command, the MCP server and the hooks; a known
 * setting with a bad value is an error naming the value and what is allowed.
 */
/**
 * Writes `values` as the configuration file (0600, its folder 0700), whole or not at all: a folder or disk that
 * refuses it is said as such, not as an internal error (QA: `config set` and `models use` on a read-only folder).
 */
export function saveConfigFile(file: string, values: object): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // a read-only folder holds none
    }
    const code = (err as { code?: unknown } | null)?.code;
    throw cairnError("CONFIG_UNWRITABLE", [file, typeof code === "string" ? code : describeError(err)], err);
  }
}

export function readConfigFile(file: string): Partial<Config> {
  const json = readConfigJson(file);
  if (!json) return {};
  const unknown = Object.keys(json).filter((k) => !(CONFIG_KEYS as string[]).includes(k));
  if (unknown.length > 0 && !warned.has(file)) {
    warned.add(file);
    const names = unknown.map((k) => `"${k}"`).join(", ");
    log.warn(`${file}: unknown setting${unknown.length === 1 ? "" : "s"} ${names} ignored (a newer cairn's, or a typo; \`cairn config unset <key>\` removes one). Known: ${CONFIG_KEYS.join(", ")}.`);
  }
  const known = Object.fromEntries(Object.entries(json).filter(([k]) => (CONFIG_KEYS as string[]).includes(k)));
  const parsed = z.partial(configSchema()).safeParse(known);
  if (!parsed.success) throw cairnError("CONFIG_INVALID", [file, describeIssue(parsed.error.issues[0], known)]);
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
  // Nothing set anywhere (the usual case): the defaults, valid by construction (tested), without a first
  // schema check, which costs a cold process ~1 ms before the JIT has warmed up.
  if (CONFIG_KEYS.every((key) => sources[key] === "default")) return { values: Object.freeze({ ...DEFAULTS }), sources: Object.freeze(sources), file };
  const parsed = configSchema().safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0] as ConfigKey | undefined;
    if (key && sources[key] === "env") throw cairnError("CONFIG_ENV_INVALID", [ENV_NAMES[key], describeIssue(issue, merged)]);
    throw cairnError("CONFIG_INVALID", [file, describeIssue(issue, merged)]);
  }
  return { values: Object.freeze(parsed.data), sources: Object.freeze(sources), file };
}

/** `"limit": 5000 is not allowed (a whole number from 1 to 1000)`: the setting, its value and what it takes. */
function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined, values: Record<string, unknown>): string {
  if (!issue) return "invalid value";
  const key = issue.path[0];
  if (typeof key !== "string" || !(CONFIG_KEYS as string[]).includes(key)) return issue.path.length > 0 ? `"${issue.path.join(".")}": ${issue.message}` : issue.message;
  return `"${key}": ${JSON.stringify(values[key])} is not allowed (${ALLOWED[key as ConfigKey]})`;
}
