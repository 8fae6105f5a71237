/**
 * @module Imports point one way: every folder of src/ has a layer, and a file may import its own layer or lower
 * ones only (domain → store/embed/config → retrieve/capture → engine → transports → main). A new top-level
 * folder must be given a layer here.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { REPO_ROOT } from "../helpers/bin.ts";

const SRC = join(REPO_ROOT, "src");
const LAYER: Record<string, number> = {
  // Shapes and plain helpers everyone may use.
  domain: 0, errors: 0, log: 0, "log-file": 0, version: 0, text: 0, "worker-url": 0, "process-alive": 0,
  // Persistence, keys, models, configuration.
  config: 1, keys: 1, activity: 1, store: 1, embed: 1,
  // Finding and understanding text.
  retrieve: 2, capture: 2,
  // The one Engine.
  engine: 3,
  // Transports and services over the engine.
  sync: 4, "import-formats": 4, hooks: 4, mcp: 4, web: 4, setup: 4, cli: 4, "embed-worker": 4, "self-command": 4,
  main: 5,
};

const folder = (file: string) => relative(SRC, file).split("/")[0]!.replace(/\.ts$/, "");

test("no file imports from a higher layer, and every src/ folder has a layer", () => {
  const upward: string[] = [];
  const unlayered = new Set<string>();
  let imports = 0;
  for (const e of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith(".ts")) continue;
    const file = join(e.parentPath, e.name);
    const from = folder(file);
    if (LAYER[from] === undefined) unlayered.add(from);
    for (const m of readFileSync(file, "utf8").matchAll(/(?:from|import\()\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const target = resolve(dirname(file), m[1]!);
      if (!target.startsWith(SRC)) continue;
      imports++;
      const to = folder(target);
      if (LAYER[to] === undefined) unlayered.add(to);
      else if (LAYER[from] !== undefined && LAYER[to]! > LAYER[from]!) upward.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
  }
  expect(imports).toBeGreaterThan(500);
  expect([...unlayered]).toEqual([]);
  expect(upward).toEqual([]);
});
