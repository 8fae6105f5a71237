/**
 * @module Benchmark of `cairn mcp` over stdio with the compiled binary: start-up to the first answered
 * tools/list, `tools/call recall` round trips at 10k memories (the shared bench corpus and its agent-like
 * queries), and the resident memory of an idle server.
 * Run: `npm run build && node scripts/bun.mjs run bench/mcp.ts [--memories 10000] [--calls 500] [--projects 8]`
 * (`--projects`: the memories spread over that many projects, the server in the first, as one store serving
 * several repositories holds them; default 1).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Engine } from "../src/engine/engine.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { McpProcess } from "../test/e2e/mcp-process.ts";
import { generateMemories, generateQueries } from "./corpus.ts";

const { values } = parseArgs({
  options: {
    memories: { type: "string", default: "10000" },
    calls: { type: "string", default: "500" },
    starts: { type: "string", default: "20" },
    // hybrid is what agents get by default; its vectors are computed before timing starts.
    mode: { type: "string", default: "hybrid" },
    projects: { type: "string", default: "1" },
  },
});
const MODE = values.mode as "keyword" | "hybrid" | "semantic";
const MEMORIES = Number(values.memories);
const CALLS = Number(values.calls);
const STARTS = Number(values.starts);
const PROJECTS = Number(values.projects);
const BIN = join(import.meta.dir, "../dist/cairn");
if (!existsSync(BIN)) throw new Error("dist/cairn is missing: run `npm run build` first.");

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;
const rssMb = (pid: number) => {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
};

const home = mkdtempSync(join(tmpdir(), "cairn-bench-mcp-"));
try {
  // 1. Start-up to the first answered tools/list (empty database, as on a first session).
  // CPU time is reported beside wall time because wall time swings with whatever else the machine runs.
  const starts: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const t0 = performance.now();
    const p = new McpProcess(BIN, { home, cwd: home });
    await p.initialize();
    await p.request("tools/list");
    starts.push(performance.now() - t0);
    p.closeStdin();
    await p.exited;
    const usage = p.proc.resourceUsage();
    if (usage) cpu.push(Number(usage.cpuTime.user + usage.cpuTime.system) / 1000);
  }

  // 2. Seed the database directly through the engine (one transaction), then time recall round trips.
  const seedStart = performance.now();
  const store = new SqliteStore(join(home, "cairn.db"));
  const engine = new Engine({ store, project: home, actor: "bench" });
  const corpus = generateMemories(MEMORIES);
  store.transaction(() => {
    corpus.forEach((m, i) => engine.remember(i % PROJECTS === 0 ? m : { ...m, project: `github.com/bench/p${i % PROJECTS}` }));
  });
  const seedMs = performance.now() - seedStart;
  if (MODE !== "keyword") {
    const embedStart = performance.now();
    const { openModelEmbedder } = await import("../src/cli/retrieval.ts");
    const { embedPending } = await import("../src/retrieve/embed-pending.ts");
    const embedder = await openModelEmbedder(home, "use-lite");
    await embedPending(store, embedder, { onProgress: (pr) => pr.done % 2000 < 64 && process.stderr.write(`embedded ${pr.done}/${pr.total}\n`) });
    await embedder.dispose();
    process.stderr.write(`vectors for ${MEMORIES} memories in ${ms(performance.now() - embedStart)}\n`);
  }
  engine.close();

  const p = new McpProcess(BIN, { home, cwd: home });
  await p.initialize();
  const rssStart = rssMb(p.proc.pid);
  await p.call("recall", { query: "warm up", mode: MODE });
  const rssFirstQuery = rssMb(p.proc.pid);
  const rtts: number[] = [];
  let hits = 0;
  for (const query of generateQueries(CALLS)) {
    const t0 = performance.now();
    const r = await p.call("recall", { query, limit: 10, mode: MODE });
    rtts.push(performance.now() - t0);
    hits += r.result.structuredContent.results.length;
  }
  const rssAfter = rssMb(p.proc.pid);
  p.closeStdin();
  await p.exited;

  const load = existsSync("/proc/loadavg") ? readFileSync("/proc/loadavg", "utf8").split(" ")[0] : "?";
  console.log(`cairn mcp benchmark (${process.platform}-${process.arch}, Bun ${Bun.version}, ${navigator.hardwareConcurrency} CPUs, load ${load})`);
  console.log(`start → first tools/list answered  (${STARTS} runs): p50 ${ms(pct(starts, 50))}  p95 ${ms(pct(starts, 95))}  (target p50 ≤ 150 ms)`);
  if (cpu.length > 0) console.log(`  CPU time per server run (start, initialize, tools/list, exit): p50 ${ms(pct(cpu, 50))}`);
  console.log(`seeded ${MEMORIES} memories in ${ms(seedMs)}`);
  console.log(
    `tools/call recall ${MODE} round trip (${CALLS} calls, ${MEMORIES} memories${PROJECTS > 1 ? ` over ${PROJECTS} projects` : ""}, avg ${(hits / CALLS).toFixed(1)} results): ` +
      `p50 ${ms(pct(rtts, 50))}  p95 ${ms(pct(rtts, 95))}  p99 ${ms(pct(rtts, 99))}  (target p50 ≤ 5 ms)`,
  );
  console.log(`RSS idle: ${rssStart.toFixed(1)} MB after initialize, ${rssFirstQuery.toFixed(1)} MB after the first query, ${rssAfter.toFixed(1)} MB after ${CALLS} queries (OMEGA: ~337 MB)`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
