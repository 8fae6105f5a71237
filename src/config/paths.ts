/** @module Where cairn keeps its data and config: platform conventions, overridable with CAIRN_HOME. */
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { cairnError } from "../errors.ts";

export interface Paths {
  /** Directory holding the database (mode 0700). */
  dataDir: string;
  /** The SQLite database file (mode 0600). */
  dbFile: string;
  /** The optional JSON config file. */
  configFile: string;
  /** Where the paths came from, for `cairn doctor` and `cairn config --explain`. */
  source: "CAIRN_HOME" | "platform";
}

type Env = Record<string, string | undefined>;

/**
 * Resolves cairn's directories.
 * - `CAIRN_HOME` set: data and config both live there (handy for tests and portable installs); see {@link cairnHome}.
 * - Linux and other Unix: `$XDG_DATA_HOME/cairn` (default `~/.local/share/cairn`) and
 *   `$XDG_CONFIG_HOME/cairn/config.json` (default `~/.config/cairn`).
 * - macOS: `~/Library/Application Support/cairn` for both.
 * - Windows: `%APPDATA%\cairn` for both.
 */
export function resolvePaths(env: Env = process.env, platform: NodeJS.Platform = process.platform): Paths {
  if (env.CAIRN_HOME) {
    const dir = cairnHome(env.CAIRN_HOME, env);
    return make(dir, dir, "CAIRN_HOME");
  }
  const home = homeDir(env);
  if (platform === "darwin") {
    const dir = join(home, "Library", "Application Support", "cairn");
    return make(dir, dir, "platform");
  }
  if (platform === "win32") {
    const dir = join(env.APPDATA || join(home, "AppData", "Roaming"), "cairn");
    return make(dir, dir, "platform");
  }
  const data = join(env.XDG_DATA_HOME || join(home, ".local", "share"), "cairn");
  const config = join(env.XDG_CONFIG_HOME || join(home, ".config"), "cairn");
  return make(data, config, "platform");
}

/** The data directory without CAIRN_HOME (what an agent started without it uses), absolute. */
export function defaultDataDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  return resolve(resolvePaths({ ...env, CAIRN_HOME: undefined }, platform).dataDir);
}

/**
 * CAIRN_HOME as a directory: a leading `~` or `~/` is the home folder, since an MCP client's JSON `env` or a
 * systemd unit passes `~/cairn` on unexpanded (QA: a literal `~` folder was made inside each repository). Any
 * other relative path is refused: it named another store in every working directory.
 */
export function cairnHome(value: string, env: Env): string {
  const expanded = expandHome(value, env);
  if (!isAbsolute(expanded)) throw cairnError("CAIRN_HOME_RELATIVE", [value]);
  // The home folder itself (CAIRN_HOME="~") would be made private (0700) and filled with cairn's files (QA).
  if (resolve(expanded) === resolve(homeDir(env))) throw cairnError("CAIRN_HOME_IS_HOME", [value]);
  return expanded;
}

/** `value` with a leading `~` (alone, or before `/` or `\\`) put as the home folder; anything else as it is. */
export function expandHome(value: string, env: Env): string {
  return /^~(?:$|[/\\])/.test(value) ? join(homeDir(env), value.slice(1)) : value;
}

/** The user's home; node:os is loaded only when neither HOME nor USERPROFILE is set (start-up cost). */
export function homeDir(env: Env): string {
  return env.HOME || env.USERPROFILE || (require("node:os") as typeof import("node:os")).homedir();
}

function make(dataDir: string, configDir: string, source: Paths["source"]): Paths {
  return { dataDir, dbFile: join(dataDir, "cairn.db"), configFile: join(configDir, "config.json"), source };
}

/**
 * Whether CAIRN_HOME names a directory that does not exist: a typo or an unmounted volume is likelier than a
 * wish for an empty store, so only commands that store memories create it (and `cairn setup`, which wires agents
 * to it); the MCP server answers every call with NO_STORE, and the hooks do nothing.
 */
export function homeMissing(paths: Paths): boolean {
  return paths.source === "CAIRN_HOME" && !existsSync(paths.dataDir);
}
