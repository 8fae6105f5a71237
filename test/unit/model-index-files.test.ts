/** @module `models remove` takes the model's vector index files with its vectors, and no other model's (QA: left behind). */
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeModelIndexFiles } from "../../src/store/vector-file.ts";

test("the model's index files go, of any width and half-written; another model's, a prefix of its name's, stay", () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-model-idx-"));
  try {
    for (const n of ["vectors-tiny-16.idx", "vectors-tiny-32.idx", "vectors-tiny-16.idx.tmp-123", "vectors-tiny2-16.idx", "vectors-use-lite-512.idx", "keywords.idx", "cairn.db"]) writeFileSync(join(dir, n), "x");
    removeModelIndexFiles(dir, "tiny");
    expect(readdirSync(dir).sort()).toEqual(["cairn.db", "keywords.idx", "vectors-tiny2-16.idx", "vectors-use-lite-512.idx"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
