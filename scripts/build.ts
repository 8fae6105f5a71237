/** @module Builds the single `dist/cairn` executable with `bun build --compile`. */
import { mkdirSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const outfile = `${root}dist/cairn`;
mkdirSync(`${root}dist`, { recursive: true });

const started = performance.now();
const result = await Bun.build({
  entrypoints: [`${root}src/main.ts`],
  compile: { outfile },
  minify: true,
  sourcemap: "linked",
  bytecode: true,
  format: "esm",
});
if (!result.success) {
  for (const message of result.logs) console.error(message);
  process.exit(1);
}
console.error(`built ${outfile} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
