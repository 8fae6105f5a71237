/**
 * @module Extracting embedded files to the cache when a native loader needs a real path. Directories are
 * content-addressed (the bundler puts a content hash in each embedded file's name), and files appear by
 * atomic rename, so concurrent first runs never see a partial file and never clash. Each build's copies are
 * kept while some build uses them: a key directory in use has its time moved forward at most daily, and when
 * a build extracts a new one, the directories of the same family (`use-lite-…`, `linux-x64-…`) unused for
 * {@link STALE_DAYS} days are removed — an upgrade otherwise left the previous model and runtime (~35 MB).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { resolveCacheDir } from "../config/cache-dir.ts";

/** A key directory not used by any build for this long goes when another of its family is extracted. */
export const STALE_DAYS = 30;
const DAY_MS = 86_400_000;
/** A content-addressed key: its family, then the 16 hex digits of contentKey. */
const KEY = /^(.+)-[0-9a-f]{16}$/;

/** Copies `embeddedPath` to `<cache>/<area>/<key>/<relPath>` unless an intact copy is there; returns the real path. */
export function extractFile(embeddedPath: string, area: string, key: string, relPath: string): string {
  const areaDir = join(resolveCacheDir(), area);
  const target = join(areaDir, key, relPath);
  const size = Bun.file(embeddedPath).size;
  if (existsSync(target) && statSync(target).size === size) {
    markUsed(join(areaDir, key));
    return target;
  }
  // Unique per thread too: a recall's query thread (embed/query-ahead.ts) may extract beside its main thread.
  const tmp = `${target}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    // Private to the user: native code is loaded from here, so nobody else may be able to swap it.
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    // Not started without room for it and some to spare: a copy that filled the disk before failing made the
    // store's own writes fail meanwhile, once per worker started (QA: a small disk holding CAIRN_HOME).
    if (freeBytes(dirname(target)) < size + SPARE_BYTES) throw Object.assign(new Error("no space for it"), { code: "ENOSPC" });
    writeFileSync(tmp, readFileSync(embeddedPath));
    renameSync(tmp, target);
  } catch (err) {
    // A full or read-only disk: leave no partial copy behind (each run would add another).
    rmSync(tmp, { force: true });
    // The folder is what to fix, not the model (QA: the runtime was "unavailable, pick another model").
    const code = (err as { code?: unknown }).code;
    throw new Error(`the cache folder ${dirname(areaDir)} could not be written (${typeof code === "string" ? code : String(err)}): set CAIRN_CACHE_DIR to a folder of yours that can be written, or free space on its disk`, { cause: err });
  }
  pruneFamily(areaDir, key);
  return target;
}

/** Room left beside a copy, for the store and its logs on the same disk. */
const SPARE_BYTES = 16 * 1024 * 1024;

/** Bytes an unprivileged writer may still use on the disk holding `dir` (infinite when it cannot say). */
function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Removes the temporary copies this process left in `area` (`<file>.<pid>.….tmp`): a thread ended while it
 * extracted (a recall's query thread, embed/query-ahead.ts, is terminated when the recall no longer needs it)
 * never reaches its own clean-up, and on a full disk the partial copy stayed.
 */
export function removeOwnTemps(area: string): void {
  const mark = `.${process.pid}.`;
  try {
    const areaDir = join(resolveCacheDir(), area);
    for (const key of readdirSync(areaDir)) {
      for (const name of readdirSync(join(areaDir, key))) if (name.includes(mark) && name.endsWith(".tmp")) rmSync(join(areaDir, key, name), { force: true });
    }
  } catch {
    // no cache yet, or not readable: nothing of ours there
  }
}

/** Moves the key directory's time to now when it is more than a day old (a stat per use, a write per day). */
function markUsed(dir: string): void {
  try {
    const now = Date.now();
    if (now - statSync(dir).mtimeMs > DAY_MS) utimesSync(dir, now / 1000, now / 1000);
  } catch {
    // a read-only cache: nothing to mark, nothing lost
  }
}

/** Removes the directories of `key`'s family in `areaDir` that no build used for {@link STALE_DAYS} days. */
function pruneFamily(areaDir: string, key: string): void {
  const family = KEY.exec(key)?.[1];
  if (!family) return;
  const cutoff = Date.now() - STALE_DAYS * DAY_MS;
  try {
    for (const name of readdirSync(areaDir)) {
      if (name === key || KEY.exec(name)?.[1] !== family) continue;
      const dir = join(areaDir, name);
      if (statSync(dir).mtimeMs < cutoff) rmSync(dir, { recursive: true, force: true });
    }
  } catch {
    // pruning only saves space: a failure leaves the old copies where they are
  }
}

/** A cache key from embedded file names (each carries the bundler's content hash). */
export function contentKey(paths: readonly string[]): string {
  return new Bun.CryptoHasher("sha256").update(paths.map((p) => basename(p)).sort().join("\n")).digest("hex").slice(0, 16);
}
