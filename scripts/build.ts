/** @module Builds the single `dist/cairn` executable with `bun build --compile`. */
import { mkdirSync } from "node:fs";
import { embedPlugins, planAssets } from "./lib/embed-assets.ts";

const root = new URL("..", import.meta.url).pathname;
const outfile = `${root}dist/cairn`;
mkdirSync(`${root}dist`, { recursive: true });

const started = performance.now();
// Models and the ONNX runtime go inside the binary: nothing is downloaded or looked up beside it at run time.
const plan = await planAssets((m) => console.error(m));
const result = await Bun.build({
  // The worker threads' entries (each started by its path in the bundle: ./store/fts-worker.ts and so on).
  entrypoints: [`${root}src/main.ts`, `${root}src/store/fts-worker.ts`, `${root}src/store/check-worker.ts`, `${root}src/store/upgrade-worker.ts`, `${root}src/engine/import-worker.ts`, `${root}src/embed/query-worker.ts`],
  // A user's .env or bunfig.toml in whatever directory cairn runs from must not change what cairn does
  // (or feed it secrets); reading them also costs start-up time on every call.
  compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
  minify: true,
  // Splitting keeps each lazily imported command (and the MCP SDK, transformers, onnxruntime) in its own
  // chunk: without it every node: built-in any dependency imports is loaded at start-up (~20 ms per call).
  splitting: true,
  sourcemap: "none",
  bytecode: true,
  format: "esm",
  plugins: embedPlugins(plan),
});
if (!result.success) {
  for (const message of result.logs) console.error(message);
  process.exit(1);
}
console.error(`built ${outfile} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
