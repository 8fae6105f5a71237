/**
 * @module Through the binary: an imported id that could name a path outside `export --format markdown --out`
 * is refused at import (nothing imported, exit 1), and a line whose id is stored with other content stops
 * the import instead of being counted a duplicate and dropped.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
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

const jsonl = (...objects: object[]) => `${objects.map((o) => JSON.stringify(o)).join("\n")}\n`;
const count = async () => (await s.ok(["export"])).stdout.split("\n").filter(Boolean).length;

test("an id reaching outside the export folder is refused at import; the export writes only inside --out", async () => {
  const file = join(s.root, "hostile.jsonl");
  writeFileSync(file, jsonl({ id: "ok-1", content: "a harmless memory" }, { id: "../../../victim", content: "overwrite what is beside the folder" }));
  const r = await s.run(["import", file, "--json"]);
  expect(r.exitCode).toBe(1);
  const error = JSON.parse(r.stdout).error;
  expect(error.code).toBe("BAD_IMPORT_LINE");
  expect(error.message).toMatch(/^Import stopped at line 2 of \S*hostile\.jsonl: field "id": "\.\.\/\.\.\/\.\.\/victim" is not a usable id/);
  expect(await count()).toBe(0);

  await s.ok(["remember", "something to export"]);
  const out = join(s.root, "out", "md");
  await s.ok(["export", "--format", "markdown", "--out", out]);
  expect(readdirSync(join(s.root, "out"))).toEqual(["md"]);
  expect(existsSync(join(s.root, "victim.md"))).toBe(false);
});

test("an id stored with other content stops the import; with the same content it is a duplicate", async () => {
  const file = join(s.root, "a.jsonl");
  writeFileSync(file, jsonl({ id: "m1", content: "the api listens on port 8080" }));
  await s.ok(["import", file]);
  writeFileSync(file, jsonl({ id: "m2", content: "a new line" }, { id: "m1", content: "the api listens on port 9090" }));
  const r = await s.run(["import", file, "--json"]);
  expect(r.exitCode).toBe(1);
  expect(JSON.parse(r.stdout).error).toMatchObject({ code: "BAD_IMPORT_LINE" });
  expect(JSON.parse(r.stdout).error.message).toMatch(/line 2 of \S*a\.jsonl: a memory with the id m1 exists in the store with other content/);
  expect(r.stderr).toContain("Nothing was imported");
  expect((await s.ok(["export"])).stdout).toContain("port 8080");
  expect(await count()).toBe(1);

  writeFileSync(file, jsonl({ id: "m1", content: "the api listens on port 8080" }));
  expect(await s.json(["import", file, "--json"])).toMatchObject({ created: 0, duplicates: 1 });
});
