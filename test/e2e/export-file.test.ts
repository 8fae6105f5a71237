/** @module `cairn export --output`: the file is its owner's only, an existing one too; a missing directory is a plain error. */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
beforeEach(() => {
  s = createSandbox();
});
afterEach(() => s.cleanup());

test("export --output: an existing file becomes its owner's only; a missing directory is a plain error", async () => {
  await s.ok(["remember", "exported with care"]);
  const file = join(s.root, "old.jsonl");
  writeFileSync(file, "old data\n", { mode: 0o644 });
  await s.ok(["export", "--output", file]);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readFileSync(file, "utf8")).toContain("exported with care");
  const r = await s.run(["export", "--output", join(s.root, "no", "such", "dir.jsonl")]);
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toContain("Cannot write the export to");
  expect(r.stderr).not.toContain("Internal error");
});
