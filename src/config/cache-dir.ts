/** @module Where cairn extracts embedded native libraries and model folders: a cache, safe to delete. */
import { join } from "node:path";
import { cairnHome, homeDir } from "./paths.ts";

type Env = Record<string, string | undefined>;

/**
 * `CAIRN_CACHE_DIR`, else `$CAIRN_HOME/cache`, else the platform cache (`$XDG_CACHE_HOME/cairn`,
 * `~/Library/Caches/cairn`, `%LOCALAPPDATA%\cairn\cache`). Entries are content-addressed, so several
 * cairn versions share it without clashing.
 */
export function resolveCacheDir(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CAIRN_CACHE_DIR) return env.CAIRN_CACHE_DIR;
  if (env.CAIRN_HOME) return join(cairnHome(env.CAIRN_HOME, env), "cache");
  const home = homeDir(env);
  if (platform === "darwin") return join(home, "Library", "Caches", "cairn");
  if (platform === "win32") return join(env.LOCALAPPDATA || join(home, "AppData", "Local"), "cairn", "cache");
  return join(env.XDG_CACHE_HOME || join(home, ".cache"), "cairn");
}
