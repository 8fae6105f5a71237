#!/usr/bin/env node
// @module Runs the Bun that npm installed as a devDependency, even when npm skipped Bun's postinstall
// script (npm 11 skips install scripts by default, and `node_modules/.bin/bun` is then a stub that exits 1).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const arch = process.arch === "arm64" ? "aarch64" : process.arch;
const exe = process.platform === "win32" ? "bun.exe" : "bun";
const os = process.platform === "win32" ? "windows" : process.platform;

function candidates() {
  const names = [`@oven/bun-${os}-${arch}`, `@oven/bun-${os}-${arch}-baseline`, `@oven/bun-${os}-${arch}-musl`];
  const out = [];
  for (const name of names) {
    try {
      out.push(join(dirname(require.resolve(`${name}/package.json`)), "bin", exe));
    } catch {
      // not installed for this platform; try the next variant
    }
  }
  // When npm did run Bun's postinstall, it moved the platform binary over the stub in bun/bin/.
  try {
    const stub = join(dirname(require.resolve("bun/package.json")), "bin", exe === "bun" ? "bun.exe" : exe);
    if (statSync(stub).size > 1_000_000) out.push(stub);
  } catch {
    // bun package missing: reported below
  }
  return out;
}

const found = candidates().find((p) => existsSync(p));
if (!found) {
  console.error(
    `cairn build: no Bun binary for ${process.platform}-${process.arch} in node_modules.\n` +
      "Run `npm ci` first (Bun is a devDependency installed from the npm registry).",
  );
  process.exit(1);
}
const result = spawnSync(found, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  console.error(`cairn build: could not run ${found}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
