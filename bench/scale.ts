/**
 * @module Scale benchmark through the compiled binary: for each store size, a generated coding-agent corpus
 * with LoCoMo conversations mixed in (bench/scale/corpus.ts) is imported with `cairn import`, embedded with
 * `cairn models reembed`, then measured: import rate and peak RSS, embedding rate, bytes per memory, cold
 * `cairn recall` (keyword, hybrid; medians), cold `cairn list` and `cairn stats`, `cairn export` of every memory (rate, peak RSS), `cairn mcp` recall p50/p95 and its RSS, and LoCoMo R@10 of the
 * mixed-in conversations asked through MCP. Only the CLI and MCP are used, so it measures whatever storage
 * and index the binary has.
 *
 *   npm run build && npm run bench:scale -- [--sizes 10000,100000] [--1m] [--locomo ../shared/data/locomo/locomo10.json]
 *     [--conversations 5,6,7,8,9] [--cold 7] [--calls 200] [--settle 15] [--no-embed] [--compare-env NAME=VALUE] [--keep] [--json]
 *     [--reuse <a root printed by --keep>]
 *
 * `--settle` leaves the hook daemon and each MCP server that many seconds after start before timing them: a long-lived process builds
 * its in-memory keyword index in the background (~2 s at 100k memories, ~15 s at 1M; until then FTS5 ranks).
 * `--compare-env` asks the LoCoMo questions a second time with that variable set for the server (e.g. to force
 * exact vector search) and prints both R@10. `--no-embed` measures keyword only (no vectors are made).
 * `--reuse` measures a store kept by an earlier run (one size, same `--conversations`) without importing or
 * embedding again: recall speed and quality of a new build on the same data.
 */
import { Database } from "bun:sqlite";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { McpProcess } from "../test/e2e/mcp-process.ts";
import { isServing } from "../src/hooks/warm/client.ts";
import { generateQueries } from "./corpus.ts";
import { createWorkspace, homeFor, type Workspace } from "./fixture.ts";
import { loadLocomo } from "./locomo/dataset.ts";
import { scoreQuestion } from "./locomo/metrics.ts";
import { dbBytes, percentiles, progress, round, spawnMeasured } from "./measure.ts";
import { PROJECTS, type Target, writeScaleFile } from "./scale/corpus.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000" },
    "1m": { type: "boolean", default: false },
    locomo: { type: "string", default: resolve(import.meta.dir, "../../shared/data/locomo/locomo10.json") },
    conversations: { type: "string", default: "5,6,7,8,9" },
    cold: { type: "string", default: "7" },
    calls: { type: "string", default: "200" },
    settle: { type: "string", default: "15" },
    embed: { type: "boolean", default: true },
    "compare-env": { type: "string" },
    keep: { type: "boolean", default: false },
    reuse: { type: "string" },
    json: { type: "boolean", default: false },
  },
  allowNegative: true,
});
const BIN = process.env.CAIRN_BENCH_BIN || resolve(import.meta.dir, "../dist/cairn");
if (!existsSync(BIN)) throw new Error("dist/cairn is missing: run `npm run build` first.");
if (!existsSync(values.locomo!)) throw new Error(`LoCoMo not found at ${values.locomo}: pass --locomo <path to locomo10.json>.`);
const sizes = [...values.sizes!.split(",").map(Number), ...(values["1m"] ? [1_000_000] : [])];
if (values.reuse && sizes.length !== 1) throw new Error("--reuse measures one kept store: pass its size with --sizes.");
const convs = loadLocomo(values.locomo!).filter((_, i) => values.conversations!.split(",").map(Number).includes(i));
const COLD = Number(values.cold);
const CALLS = Number(values.calls);
/** Seconds a new server is left to itself before it is timed: it builds its in-memory keyword index meanwhile. */
const SETTLE = Number(values.settle);
const compare = values["compare-env"]?.split("=") as [string, string] | undefined;
const SEARCH_PROJECT = PROJECTS[0]!;

interface SizeResult {
  size: number;
  lines: number;
  memories: number;
  /** per_second is wall time (the target's measure); per_cpu_second is user + system CPU, steadier on a shared machine. Null for a reused store. */
  import: null | { seconds: number; per_second: number; cpu_seconds: number; per_cpu_second: number; peak_rss_mb: number | null };
  embed: { seconds: number; per_second: number; embedded: number } | null;
  /** The database (with its WAL), the vector index files beside it, and both: everything stored per memory. */
  bytes_per_memory: { database: number; index: number; keywords: number; total: number };
  /** The same once the database's write-ahead log is checkpointed and emptied: the store as it rests. */
  bytes_at_rest: { database: number; index: number; keywords: number; total: number };
  cold_recall_ms: Record<string, { p50: number; min: number }>;
  /** `cairn list` (one project; all) and `cairn stats`, each a fresh process. */
  cold_command_ms: Record<string, { p50: number; min: number }>;
  /** `cairn export --all-projects` to a file, once. */
  export: { seconds: number; per_second: number; peak_rss_mb: number | null };
  mcp: { mode: string; p50_ms: number; p95_ms: number; rss_mb: number; rss_anon_mb: number; first_call_ms: number };
  /** R@10 of the mixed-in conversations' questions, and how long each MCP recall took (their sessions and dates take paths generated notes do not). */
  locomo: Record<string, { questions: number; r10: number; p50_ms: number; p95_ms: number }>;
}

/** Bytes per memory of the database and of the vector index files (`vectors-*.idx`) in its directory. */
function perMemory(db: string, memories: number): SizeResult["bytes_per_memory"] {
  const dir = dirname(db);
  const files = (pattern: RegExp) =>
    readdirSync(dir)
      .filter((f) => pattern.test(f))
      .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  const index = files(/^vectors-.*\.idx$/);
  // Written by the search thread of the hook daemon and MCP server measured before this is read.
  const keywords = files(/^keywords\.idx$/);
  const database = dbBytes(db);
  const per = (n: number) => Math.round(n / memories);
  return { database: per(database), index: per(index), keywords: per(keywords), total: per(database + index + keywords) };
}

/** Folds the write-ahead log into the database and empties it (what SQLite does when the last process closes it). */
function checkpointed(db: string): string {
  const conn = new Database(db);
  try {
    conn.run("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    conn.close();
  }
  return db;
}

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
/** A process's resident set in MB: all of it (VmRSS), or one part (RssAnon: its own memory; RssFile: mapped files' pages, which the kernel can reclaim). */
const rssMb = (pid: number, field = "VmRSS") =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN) / 1024;

/** A store kept by an earlier `--keep` run: its workspace, never deleted. */
function reused(root: string): Workspace {
  if (!existsSync(join(root, "project"))) throw new Error(`${root} is not a root kept by bench/scale.ts --keep`);
  return { root, project: join(root, "project"), dispose: () => undefined };
}

async function runSize(size: number): Promise<SizeResult> {
  const ws = values.reuse ? reused(values.reuse) : createWorkspace();
  try {
    const { home, db } = homeFor(ws, `scale-${size}`);
    // The worker and hook daemon stay off: each phase is measured alone.
    const env = { ...process.env, CAIRN_HOME: home, CAIRN_EMBED_WORKER: "off", CAIRN_HOOK_DAEMON: "off", CAIRN_LOG_LEVEL: "warn" };
    // A reused store is not written again; its file is regenerated (same seed) only for the LoCoMo targets.
    const file = join(values.reuse ? tmpdir() : ws.root, `scale-${size}-${process.pid}.jsonl`);
    progress(`${size}: writing the import file`);
    const written = writeScaleFile(file, size, convs);
    let imp: Awaited<ReturnType<typeof spawnMeasured>> | null = null;
    if (!values.reuse) {
      progress(`${size}: cairn import (${written.lines} lines)`);
      imp = await spawnMeasured([BIN, "import", file, "--no-embed", "--json", "--quiet"], { cwd: ws.project, env, rss: true });
    }
    rmSync(file);
    const memories = (JSON.parse((await spawnMeasured([BIN, "stats", "--json"], { cwd: ws.project, env })).stdout) as { total: number }).total;
    let embed: SizeResult["embed"] = null;
    if (values.embed && !values.reuse) {
      progress(`${size}: cairn models reembed (${memories} memories)`);
      const e = await spawnMeasured([BIN, "models", "reembed", "--json"], { cwd: ws.project, env });
      const out = JSON.parse(e.stdout) as { embedded: number };
      embed = { seconds: round(e.ms / 1000, 1), per_second: Math.round(out.embedded / (e.ms / 1000)), embedded: out.embedded };
    }
    const modes = values.embed ? ["keyword", "hybrid"] : ["keyword"];
    const cold: SizeResult["cold_recall_ms"] = {};
    // --json by default; " (text)" is what a person reads: short ids shown, which asks the store whether each is unique.
    const coldRuns = async (mode: string, label: string, runEnv: typeof env) => {
      progress(`${size}: cold cairn recall --mode ${mode}${label} (${COLD} runs)`);
      const ms: number[] = [];
      const format = label === " (text)" ? [] : ["--json"];
      for (const q of generateQueries(COLD, 11)) {
        ms.push((await spawnMeasured([BIN, "recall", q, "--mode", mode, "--project", SEARCH_PROJECT, ...format], { cwd: ws.project, env: runEnv })).ms);
      }
      cold[`${mode}${label}`] = { p50: round(percentiles(ms).p50, 1), min: round(Math.min(...ms), 1) };
    };
    for (const mode of modes) await coldRuns(mode, "", env);
    await coldRuns("keyword", " (text)", env);
    // Commands a person runs on a large store too: listing (in the searched project, across projects) and stats.
    const commands: SizeResult["cold_command_ms"] = {};
    for (const args of [["list", "--project", SEARCH_PROJECT], ["list", "--all-projects"], ["stats"]]) {
      progress(`${size}: cold cairn ${args.join(" ")} (${COLD} runs)`);
      const ms: number[] = [];
      for (let i = 0; i < COLD; i++) ms.push((await spawnMeasured([BIN, ...args, "--json"], { cwd: ws.project, env })).ms);
      commands[args.join(" ")] = { p50: round(percentiles(ms).p50, 1), min: round(Math.min(...ms), 1) };
    }
    // Every memory out, as a person moving or backing up a store does (to a file: the bench holds no copy).
    progress(`${size}: cairn export --all-projects`);
    const exportFile = join(tmpdir(), `scale-export-${process.pid}.jsonl`);
    const exp = await spawnMeasured([BIN, "export", "--all-projects", "--output", exportFile], { cwd: ws.project, env, rss: true });
    rmSync(exportFile, { force: true });
    const exported = { seconds: round(exp.ms / 1000, 1), per_second: Math.round(memories / (exp.ms / 1000)), peak_rss_mb: exp.peakRss === null ? null : mb(exp.peakRss) };
    // Again with the warm hook daemon running (as it does during an agent session): it answers the recall.
    const daemon = await startDaemon(home, ws.project);
    await Bun.sleep(SETTLE * 1000); // as the MCP server below: past the build of its in-memory keyword index
    try {
      const warmEnv = { ...env, CAIRN_HOOK_DAEMON: "on" };
      for (const mode of modes) {
        await spawnMeasured([BIN, "recall", "warm up", "--mode", mode, "--project", SEARCH_PROJECT], { cwd: ws.project, env: warmEnv });
        await coldRuns(mode, " (daemon)", warmEnv);
      }
    } finally {
      daemon.kill();
      await daemon.exited;
    }
    const mcp = await measureMcp(home, ws.project, env, modes.at(-1)!);
    const locomo: SizeResult["locomo"] = {};
    for (const mode of modes) locomo[mode] = await askLocomo(home, ws.project, env, mode, written.targets);
    if (compare && values.embed) locomo[`hybrid ${compare.join("=")}`] = await askLocomo(home, ws.project, { ...env, [compare[0]]: compare[1] }, "hybrid", written.targets);
    return {
      size,
      lines: written.lines,
      memories,
      import: imp && {
        seconds: round(imp.ms / 1000, 1),
        per_second: Math.round(written.lines / (imp.ms / 1000)),
        cpu_seconds: round(imp.cpuMs / 1000, 1),
        per_cpu_second: Math.round(written.lines / (imp.cpuMs / 1000)),
        peak_rss_mb: imp.peakRss === null ? null : mb(imp.peakRss),
      },
      embed,
      bytes_per_memory: perMemory(db, memories),
      bytes_at_rest: perMemory(checkpointed(db), memories),
      cold_recall_ms: cold,
      cold_command_ms: commands,
      export: exported,
      mcp,
      locomo,
    };
  } finally {
    if (values.keep) progress(`${size}: kept ${ws.root}`);
    else ws.dispose();
  }
}

/** `cairn hook --serve` for `home`, once its socket answers. */
async function startDaemon(home: string, cwd: string): Promise<ReturnType<typeof Bun.spawn>> {
  const proc = Bun.spawn([BIN, "hook", "--serve"], { cwd: home, env: { ...process.env, CAIRN_HOME: home, CAIRN_EMBED_WORKER: "off" }, stdio: ["ignore", "ignore", "ignore"] });
  const sock = join(home, "hookd.sock");
  for (const until = Date.now() + 30_000; !(await isServing(sock)); await Bun.sleep(50)) {
    if (Date.now() > until) throw new Error(`the hook daemon did not start for ${home} (from ${cwd})`);
  }
  return proc;
}

async function measureMcp(home: string, cwd: string, env: Record<string, string | undefined>, mode: string): Promise<SizeResult["mcp"]> {
  progress(`mcp: ${CALLS} recall calls, ${mode}`);
  const p = new McpProcess(BIN, { home, cwd, env: env as Record<string, string> });
  try {
    await p.initialize();
    await Bun.sleep(SETTLE * 1000);
    const t0 = performance.now();
    await p.call("recall", { query: "warm up the index", mode, project: SEARCH_PROJECT });
    const first = performance.now() - t0;
    const rtts: number[] = [];
    for (const query of generateQueries(CALLS, 13)) {
      const t = performance.now();
      await p.call("recall", { query, limit: 10, mode, project: SEARCH_PROJECT });
      rtts.push(performance.now() - t);
    }
    const pc = percentiles(rtts);
    const pid = p.proc.pid;
    return { mode, p50_ms: round(pc.p50, 2), p95_ms: round(pc.p95, 2), rss_mb: round(rssMb(pid), 1), rss_anon_mb: round(rssMb(pid, "RssAnon"), 1), first_call_ms: round(first, 1) };
  } finally {
    p.closeStdin();
    await p.exited;
  }
}

/** Every question of the mixed-in conversations through MCP recall (top 10, in the conversation's project). */
async function askLocomo(home: string, cwd: string, env: Record<string, string | undefined>, mode: string, targets: Target[]) {
  const p = new McpProcess(BIN, { home, cwd, env: env as Record<string, string> });
  let sum = 0;
  let n = 0;
  const rtts: number[] = [];
  try {
    await p.initialize();
    await Bun.sleep(SETTLE * 1000);
    for (const t of targets) {
      progress(`locomo ${mode}: ${t.conv.id} (${t.conv.questions.length} questions) in ${t.project}`);
      for (const q of t.conv.questions) {
        const started = performance.now();
        const r = await p.call("recall", { query: q.question, limit: 10, mode, project: t.project, budget: 100_000 });
        rtts.push(performance.now() - started);
        const ranked = (r.result.structuredContent.results as Array<{ id: string }>).map((hit) => t.turnsOf.get(hit.id) ?? []);
        sum += scoreQuestion(q.category, ranked, q.evidence).turn[10]!;
        n++;
      }
    }
  } finally {
    p.closeStdin();
    await p.exited;
  }
  const pc = percentiles(rtts);
  return { questions: n, r10: round((100 * sum) / n, 1), p50_ms: round(pc.p50, 2), p95_ms: round(pc.p95, 2) };
}

const results: SizeResult[] = [];
for (const size of sizes) results.push(await runSize(size));
if (values.json) {
  console.log(JSON.stringify({ platform: `${process.platform}-${process.arch}`, cpus: navigator.hardwareConcurrency, conversations: convs.map((c) => c.id), results }, null, 2));
} else {
  const load = existsSync("/proc/loadavg") ? readFileSync("/proc/loadavg", "utf8").split(" ")[0] : "?";
  console.log(`cairn scale benchmark (${process.platform}-${process.arch}, ${navigator.hardwareConcurrency} CPUs, load ${load}); LoCoMo ${convs.map((c) => c.id).join(", ")} mixed in`);
  for (const r of results) {
    console.log(`\n${r.size} generated + ${r.lines - r.size} LoCoMo turns = ${r.lines} lines → ${r.memories} memories`);
    const i = r.import;
    console.log(`  import        ${i ? `${i.per_second}/s (${i.seconds} s; CPU ${i.cpu_seconds} s = ${i.per_cpu_second}/s), peak RSS ${i.peak_rss_mb ?? "?"} MB` : "skipped (--reuse)"}`);
    console.log(`  embedding     ${r.embed ? `${r.embed.per_second}/s (${r.embed.embedded} in ${r.embed.seconds} s)` : values.reuse ? "skipped (--reuse)" : "skipped (--no-embed)"}`);
    const b = r.bytes_per_memory;
    console.log(`  on disk       ${b.total} bytes per memory (database ${b.database} + vector index file ${b.index} + keyword index file ${b.keywords}); at rest ${r.bytes_at_rest.total} (database ${r.bytes_at_rest.database}: its write-ahead log checkpointed)`);
    for (const [mode, c] of Object.entries(r.cold_recall_ms)) console.log(`  cold recall   ${mode.padEnd(17)} median ${c.p50} ms (best ${c.min} ms)`);
    for (const [command, c] of Object.entries(r.cold_command_ms)) console.log(`  cold cairn    ${command.padEnd(17)} median ${c.p50} ms (best ${c.min} ms)`);
    console.log(`  export        ${r.export.per_second}/s (${r.export.seconds} s), peak RSS ${r.export.peak_rss_mb ?? "?"} MB`);
    console.log(`  mcp recall    ${r.mcp.mode} p50 ${r.mcp.p50_ms} ms, p95 ${r.mcp.p95_ms} ms (first ${r.mcp.first_call_ms} ms, after ${SETTLE} s); server RSS ${r.mcp.rss_mb} MB (anonymous ${r.mcp.rss_anon_mb}; the rest is mapped files: database, index, binary)`);
    for (const [mode, l] of Object.entries(r.locomo)) console.log(`  LoCoMo R@10   ${mode.padEnd(8)} ${l.r10} (${l.questions} questions; mcp recall p50 ${l.p50_ms} ms, p95 ${l.p95_ms} ms)`);
  }
}
