/**
 * @module `npm run bench`: the foundation benchmark. Builds databases of realistic memories at each size,
 * then measures write throughput, in-process recall latency, cold start and peak RSS of the binary, and
 * database size per memory. Table on stdout, progress on stderr, results in bench/out/foundation.json.
 *
 * Flags: --quick (small sizes, for the smoke test; results go to bench/out/foundation-quick.json), --json
 * (one JSON object as the last stdout line), --sizes 1000,10000,100000, --binary dist/cairn,
 * --build-budget <seconds per database build, default 180>.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { coldStart } from "./cold-start.ts";
import { generateMemories, generateQueries, toJsonl } from "./corpus.ts";
import { buildDb, createWorkspace } from "./fixture.ts";
import { dbFootprint, recallRssProbe } from "./footprint.ts";
import { recallLatency } from "./latency.ts";
import { nowMs, progress, selfPeakRss } from "./measure.ts";
import { type AllResults, type SizeResults, toJson, toTable } from "./report.ts";
import { cliImport, rememberThroughput } from "./throughput.ts";

interface Options {
  quick: boolean;
  json: boolean;
  sizes: number[];
  binary: string;
  buildBudget: number;
}

const root = new URL("..", import.meta.url).pathname;

function parseArgs(argv: string[]): Options {
  const opts: Options = { quick: false, json: false, sizes: [], binary: `${root}dist/cairn`, buildBudget: 180 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--quick") opts.quick = true;
    else if (arg === "--json") opts.json = true;
    else if (arg === "--sizes") opts.sizes = value().split(",").map((s) => Number(s.trim().replace(/_/g, "")));
    else if (arg === "--binary") opts.binary = value();
    else if (arg === "--build-budget") opts.buildBudget = Number(value());
    else throw new Error(`unknown flag ${arg} (known: --quick --json --sizes a,b,c --binary path --build-budget s)`);
  }
  if (opts.sizes.length === 0) opts.sizes = opts.quick ? [300, 1000] : [1000, 10_000, 100_000];
  if (opts.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--sizes takes positive whole numbers");
  opts.sizes.sort((a, b) => a - b);
  return opts;
}

/** `cairn import` and cold start run at 10k (the size), or the nearest size below it. */
function cliSize(sizes: number[]): number {
  return [...sizes].reverse().find((n) => n <= 10_000) ?? sizes[0]!;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.binary)) throw new Error(`${opts.binary} not found: run \`npm run build\` first`);
  const counts = opts.quick
    ? { queries: 100, remember: 100, coldRuns: 5, probeQueries: 100 }
    : { queries: 1000, remember: 2000, coldRuns: 30, probeQueries: 1000 };
  const started = nowMs();
  const largest = opts.sizes[opts.sizes.length - 1]!;
  progress(`corpus: ${largest} memories, ${counts.queries} queries (seeded)`);
  const corpus = generateMemories(largest);
  const extra = generateMemories(counts.remember, 99);
  const queries = generateQueries(counts.queries);
  const ws = createWorkspace();
  try {
    const perSize: SizeResults[] = [];
    for (const size of opts.sizes) {
      progress(`build: ${size} memories with one engine.import`);
      const built = await buildDb(ws, size, toJsonl(corpus.slice(0, size)), opts.buildBudget);
      if (built.abandoned) {
        perSize.push({ built });
        continue;
      }
      const footprint = dbFootprint(built);
      const latency = await recallLatency(ws, built, queries);
      const remember = rememberThroughput(ws, built, extra);
      perSize.push({ built, footprint, latency, remember });
    }
    const usable = perSize.filter((s) => !s.built.abandoned).map((s) => s.built);
    if (usable.length === 0) throw new Error("no database could be built within --build-budget");
    const cli = cliSize(usable.map((b) => b.size));
    const cliImportResult = await cliImport(ws, opts.binary, corpus.slice(0, cli));
    const coldStartResult = await coldStart(ws, opts.binary, usable.find((b) => b.size === cli)!, queries, counts.coldRuns);
    const probe = await recallRssProbe(ws, usable[usable.length - 1]!, queries.slice(0, counts.probeQueries));
    const results: AllResults = {
      quick: opts.quick,
      sizes: opts.sizes,
      seconds: (nowMs() - started) / 1000,
      perSize,
      cliImport: cliImportResult,
      coldStart: coldStartResult,
      probe,
      benchPeakRssBytes: selfPeakRss(),
    };
    const json = toJson(results, {
      created_at: new Date().toISOString(),
      machine: { platform: process.platform, arch: process.arch, cpus: cpus().length, bun: Bun.version },
    });
    const outFile = `bench/out/foundation${opts.quick ? "-quick" : ""}.json`;
    mkdirSync(`${root}bench/out`, { recursive: true });
    writeFileSync(`${root}${outFile}`, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`${toTable(results)}\n`);
    if (opts.json) process.stdout.write(`${JSON.stringify(json)}\n`);
    progress(`results written to ${outFile}`);
  } finally {
    ws.dispose();
  }
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
