/**
 * @module Extracting embedded files to the cache leaves nothing behind when it fails: a full disk once left a
 * 2.8 MB temporary copy of the ONNX runtime per failed run. (test/faults/full-disk.test.ts fills a real disk.)
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractFile } from "../../src/embed/extract.ts";

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
  expect(() => extractFile(source, "ort", "k2", "lib.so")).toThrow();
  expect(readdirSync(join(root, "cache", "ort", "k2"))).toEqual(["lib.so"]);
  expect(existsSync(join(blocker, "keep"))).toBe(true);
});
