/**
 * @module The README's install (`npm ci && npm run build`) must work on a machine that reaches only the npm
 * registry, with no variable set by hand: the project's .npmrc keeps every install script from running
 * (onnxruntime-node's fetches CUDA binaries from api.nuget.org). With ignore-scripts, npm also skips a
 * package's own pre/post scripts, so none may exist.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/bin.ts";

test("the project .npmrc turns install scripts off", () => {
  const lines = readFileSync(join(REPO_ROOT, ".npmrc"), "utf8").split("\n").map((l) => l.trim());
  expect(lines).toContain("ignore-scripts=true");
});

test("package.json has no pre/post scripts that ignore-scripts would silently skip", () => {
  const scripts = Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).scripts ?? {});
  expect(scripts.filter((name) => /^(pre|post)/.test(name) || name === "install" || name === "prepare")).toEqual([]);
});
