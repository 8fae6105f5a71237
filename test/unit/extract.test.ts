/**
 * @module Extracting embedded files to the cache leaves nothing behind when it fails: a full disk once left a
 * 2.8 MB temporary copy of the ONNX runtime per failed run. (test/faults/full-disk.test.ts fills a real disk.)
 * A new build's copy removes its family's copies no build used for STALE_DAYS days, and only those.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractFile, removeOwnTemps, STALE_DAYS } from "../../src/embed/extract.ts";
import { MOUNTS_ALLOWED, mountTmpfs, unmount } from "../helpers/mounts.ts";

let root: string;
let saved: string | undefined;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "cairn-extract-"));
  saved = process.env.CAIRN_CACHE_DIR;
  process.env.CAIRN_CACHE_DIR = join(root, "cache");
});
afterEach(() => {
  if (saved === undefined) delete process.env.CAIRN_CACHE_DIR;
  else process.env.CAIRN_CACHE_DIR = saved;
  rmSync(root, { recursive: true, force: true });
});

test("a copy lands whole at its content-addressed path", () => {
  const source = join(root, "lib.so");
  writeFileSync(source, "x".repeat(10_000));
  const target = extractFile(source, "ort", "k1", "lib.so");
  expect(target).toBe(join(root, "cache", "ort", "k1", "lib.so"));
  expect(readFileSync(target, "utf8")).toBe("x".repeat(10_000));
  expect(readdirSync(join(root, "cache", "ort", "k1"))).toEqual(["lib.so"]);
});

test("when the copy cannot be put in place, its temporary file is removed and the error reaches the caller", () => {
  const source = join(root, "lib.so");
  writeFileSync(source, "y".repeat(10_000));
  // A non-empty directory where the file belongs: the temporary copy is written, the rename fails.
  const blocker = join(root, "cache", "ort", "k2", "lib.so");
  mkdirSync(blocker, { recursive: true });
  writeFileSync(join(blocker, "keep"), "");
  // The error names the cache folder and what to do about it (QA: it read as a model problem).
  expect(() => extractFile(source, "ort", "k2", "lib.so")).toThrow(`the cache folder ${join(root, "cache")} could not be written`);
  expect(() => extractFile(source, "ort", "k2", "lib.so")).toThrow("set CAIRN_CACHE_DIR");
  expect(readdirSync(join(root, "cache", "ort", "k2"))).toEqual(["lib.so"]);
  expect(existsSync(join(blocker, "keep"))).toBe(true);
});

/** A key directory of `area` holding one file, its time set `daysAgo` days back. */
function keyDir(area: string, name: string, daysAgo: number): string {
  const dir = join(root, "cache", area, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "lib.so"), "old build");
  const at = (Date.now() - daysAgo * 86_400_000) / 1000;
  utimesSync(dir, at, at);
  return dir;
}

test.skipIf(!MOUNTS_ALLOWED)("a copy that would leave its disk nearly full is not begun: nothing is written, the error says ENOSPC (QA)", () => {
  const disk = join(root, "small");
  mkdirSync(disk);
  if (!mountTmpfs(disk, 8 * 1024 * 1024)) throw new Error("could not mount a tmpfs");
  try {
    process.env.CAIRN_CACHE_DIR = join(disk, "cache");
    const source = join(root, "lib.so");
    writeFileSync(source, "z".repeat(1_000_000));
    // 1 MB would fit in the 8 MiB, but would leave less than the room kept for the store beside it.
    expect(() => extractFile(source, "ort", "k3", "lib.so")).toThrow("ENOSPC");
    expect(readdirSync(join(disk, "cache", "ort", "k3"))).toEqual([]);
  } finally {
    unmount(disk);
  }
});

test("a new build's copy removes the copies of its family no build used for STALE_DAYS days, and only those", () => {
  const stale = keyDir("ort", "linux-x64-aaaaaaaaaaaaaaaa", STALE_DAYS + 10);
  const recent = keyDir("ort", "linux-x64-bbbbbbbbbbbbbbbb", STALE_DAYS - 5);
  const otherFamily = keyDir("ort", "darwin-arm64-cccccccccccccccc", STALE_DAYS + 10);
  const notAKey = keyDir("ort", "linux-x64-notes", STALE_DAYS + 10);
  const otherArea = keyDir("models", "linux-x64-eeeeeeeeeeeeeeee", STALE_DAYS + 10);
  const source = join(root, "lib.so");
  writeFileSync(source, "new build");
  extractFile(source, "ort", "linux-x64-dddddddddddddddd", "lib.so");
  expect(existsSync(stale)).toBe(false);
  for (const kept of [recent, otherFamily, notAKey, otherArea]) expect(existsSync(kept)).toBe(true);
  expect(readFileSync(join(root, "cache", "ort", "linux-x64-dddddddddddddddd", "lib.so"), "utf8")).toBe("new build");
});

test("a copy in use is marked used (at most daily), so another build's extraction keeps it", () => {
  const source = join(root, "lib.so");
  writeFileSync(source, "old build");
  const inUse = keyDir("ort", "linux-x64-aaaaaaaaaaaaaaaa", STALE_DAYS + 10);
  expect(extractFile(source, "ort", "linux-x64-aaaaaaaaaaaaaaaa", "lib.so")).toBe(join(inUse, "lib.so"));
  expect(Date.now() - statSync(inUse).mtimeMs).toBeLessThan(60_000);
  writeFileSync(source, "a newer build");
  extractFile(source, "ort", "linux-x64-ffffffffffffffff", "lib.so");
  expect(existsSync(inUse)).toBe(true);
});

test("a thread cut off while extracting leaves a temporary copy: this process's are removed, another's stay", () => {
  const dir = join(root, "cache", "models", "use-lite-0123456789abcdef");
  mkdirSync(dir, { recursive: true });
  const mine = join(dir, `use-lite.q8.${process.pid}.1796612040400.8kcb8zc40lw.tmp`);
  const other = join(dir, `use-lite.q8.${process.pid + 1}.1796612040400.abc.tmp`);
  const kept = join(dir, "use-lite.q8");
  for (const f of [mine, other, kept]) writeFileSync(f, "partial");
  removeOwnTemps("models");
  expect(readdirSync(dir).sort()).toEqual([other, kept].map((f) => f.slice(dir.length + 1)).sort());
  removeOwnTemps("no-such-area"); // nothing there: nothing to do, no error
});
