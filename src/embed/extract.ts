/**
 * @module Extracting embedded files to the cache when a native loader needs a real path. Directories are
 * content-addressed (the bundler puts a content hash in each embedded file's name), and files appear by
 * atomic rename, so concurrent first runs never see a partial file and never clash.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { resolveCacheDir } from "../config/cache-dir.ts";

/** Copies `embeddedPath` to `<cache>/<area>/<key>/<relPath>` unless an intact copy is there; returns the real path. */
export function extractFile(embeddedPath: string, area: string, key: string, relPath: string): string {
  const target = join(resolveCacheDir(), area, key, relPath);
  const size = Bun.file(embeddedPath).size;
  if (existsSync(target) && statSync(target).size === size) return target;
  // Private to the user: native code is loaded from here, so nobody else may be able to swap it.
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, readFileSync(embeddedPath));
    renameSync(tmp, target);
  } catch (err) {
    // A full or read-only disk: leave no partial copy behind (each run would add another).
    rmSync(tmp, { force: true });
    throw err;
  }
  return target;
}

/** A cache key from embedded file names (each carries the bundler's content hash). */
export function contentKey(paths: readonly string[]): string {
  return new Bun.CryptoHasher("sha256").update(paths.map((p) => basename(p)).sort().join("\n")).digest("hex").slice(0, 16);
}
