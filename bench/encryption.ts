/**
 * @module Encryption at rest, what it costs: a plain and an encrypted store of the same 10k memories, built
 * and queried in the same run. Prints import rate, keyword recall p50, hybrid recall p50 (in process, a
 * deterministic stand-in embedder so only the store's costs differ) and warm hook p50 (UserPromptSubmit
 * through `dist/cairn` with a warm daemon; build first). Targets (issue 14): keyword ≤ 1.5× plain, hybrid
 * ≤ 1.3× plain, import ≥ 1,500/s, warm hook within 3 ms of plain.
 * Run: `node scripts/bun.mjs run bench/encryption.ts [--size N] [--runs N] [--hook-runs N] [--no-hooks]`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Engine } from "../src/engine/engine.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import type { Embedder } from "../src/embed/port.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import { SqliteStore, type StoreOptions } from "../src/store/sqlite-store.ts";
import { isServing } from "../src/hooks/warm/client.ts";
import { generateMemories, generateQueries, toJsonl } from "./corpus.ts";
import { encryptedStoreOptions } from "./encrypted-store.ts";
import { createWorkspace, homeFor } from "./fixture.ts";
import { nowMs, percentiles, progress } from "./measure.ts";

/** User + system CPU of this process, ms. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const loadAverage = () => {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ")[0];
  } catch {
    return "?";
  }
};

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const SIZE = arg("--size", 10_000);
const RUNS = arg("--runs", 200);
const HOOKS = !args.includes("--no-hooks");
const BIN = process.env.CAIRN_BENCH_BIN || join(import.meta.dir, "..", "dist", "cairn");
const DIMS = 256;

/** Unit vectors from a text's hash: the same text, the same vector; costs next to nothing. */
const stubEmbedder: Embedder = {
  model: "bench-stub",
  dims: DIMS,
  minScore: 0,
  async embed(texts) {
    return texts.map((t) => {
      let x = Number.parseInt(new Bun.CryptoHasher("sha1").update(t).digest("hex").slice(0, 8), 16) || 1;
      const v = new Float32Array(DIMS);
      let norm = 0;
      for (let i = 0; i < DIMS; i++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        v[i] = x / 2147483648 - 0.5;
        norm += v[i]! * v[i]!;
      }
      for (let i = 0; i < DIMS; i++) v[i]! /= Math.sqrt(norm);
      return v;
    });
  },
  async dispose() {},
};

const ws = createWorkspace();
const key = crypto.getRandomValues(new Uint8Array(32));
try {
  const jsonl = toJsonl(generateMemories(SIZE));
  const queries = generateQueries(RUNS);
  const kinds = [
    { name: "plain", opts: (_db: string): StoreOptions => ({}), env: {} as Record<string, string> },
    { name: "encrypted", opts: (db: string) => encryptedStoreOptions(db, key), env: { CAIRN_KEY: Buffer.from(key).toString("hex") } },
  ];
  const rows: Record<string, Record<string, number>> = {};
  const engines: Record<string, Engine> = {};
  for (const k of kinds) {
    const { home, db } = homeFor(ws, k.name);
    const store = new SqliteStore(db, k.opts(db));
    const engine = new Engine({ store, project: ws.project, actor: "bench", channels: { dense: new DenseChannel({ store, open: async () => stubEmbedder, kernel: null }) } });
    progress(`${k.name}: importing ${SIZE}`);
    const t0 = nowMs();
    const cpu0 = cpuMs();
    await engine.import(jsonl);
    const importPerSecond = SIZE / ((nowMs() - t0) / 1000);
    const importPerCpuSecond = SIZE / ((cpuMs() - cpu0) / 1000);
    progress(`${k.name}: embedding (stub)`);
    await embedPending(store, stubEmbedder);
    store.database.run("PRAGMA wal_checkpoint(TRUNCATE)");
    rows[k.name] = { importPerSecond, importPerCpuSecond, home: 0 };
    engines[k.name] = engine;
    (rows[k.name] as Record<string, unknown>).homeDir = home;
  }
  // Import rate again, interleaved (plain, encrypted, ×3, 2,000 memories into fresh stores): on a shared
  // machine the load drifts within seconds, and one build each measures the drift as much as the codec.
  const chunk = toJsonl(generateMemories(2000, 9));
  const rates: Record<string, number[]> = { plain: [], encrypted: [] };
  const cpuRates: Record<string, number[]> = { plain: [], encrypted: [] };
  for (let round = 0; round < 3; round++) {
    for (const k of kinds) {
      const store = new SqliteStore(":memory:", k.name === "plain" ? {} : encryptedStoreOptions());
      const engine = new Engine({ store, project: ws.project, actor: "bench" });
      const t = nowMs();
      const c = cpuMs();
      await engine.import(chunk);
      rates[k.name]!.push(2000 / ((nowMs() - t) / 1000));
      cpuRates[k.name]!.push(2000 / ((cpuMs() - c) / 1000));
      engine.close();
    }
  }
  for (const k of kinds) {
    rows[k.name]!.importMedian = percentiles(rates[k.name]!).p50;
    rows[k.name]!.importCpuMedian = percentiles(cpuRates[k.name]!).p50;
  }
  // Interleaved, so drift in machine load hits both alike.
  for (const mode of ["keyword", "hybrid"] as const) {
    const samples: Record<string, number[]> = { plain: [], encrypted: [] };
    for (const k of kinds) await engines[k.name]!.recall({ query: queries[0]!, mode }); // warm-up
    for (const q of queries) {
      for (const k of kinds) {
        const t = nowMs();
        await engines[k.name]!.recall({ query: q, mode });
        samples[k.name]!.push(nowMs() - t);
      }
    }
    for (const k of kinds) rows[k.name]![`${mode}P50`] = percentiles(samples[k.name]!).p50;
  }
  for (const k of kinds) engines[k.name]!.close();

  if (HOOKS && existsSync(BIN)) {
    const samples: Record<string, number[]> = { plain: [], encrypted: [] };
    const daemons = [];
    const envs: Record<string, Record<string, string | undefined>> = {};
    for (const k of kinds) {
      const home = (rows[k.name] as Record<string, unknown>).homeDir as string;
      // No background embedding worker: it would compete for the CPU with the hooks being timed.
      envs[k.name] = { PATH: process.env.PATH, HOME: ws.root, CAIRN_HOME: home, CAIRN_HOOK_DAEMON: "on", CAIRN_EMBED_WORKER: "off", ...k.env };
      daemons.push(await startDaemon(envs[k.name]!, join(home, "hookd.sock")));
    }
    try {
      const n = arg("--hook-runs", Math.min(RUNS, 60));
      for (let i = 0; i < n + 5; i++) {
        for (const k of kinds) {
          const stdin = JSON.stringify({ session_id: `s-${k.name}-${i}`, hook_event_name: "UserPromptSubmit", cwd: ws.project, transcript_path: join(ws.root, "t.jsonl"), prompt: `Can you look at ${queries[i % queries.length]} and fix it?` });
          const t = nowMs();
          const p = Bun.spawn([BIN, "hook", "prompt"], { cwd: ws.project, env: envs[k.name], stdin: new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
          const [, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
          if (code !== 0 || err) throw new Error(`hook (${k.name}) exited ${code}: ${err}`);
          if (i >= 5) samples[k.name]!.push(nowMs() - t);
        }
      }
    } finally {
      for (const d of daemons) d.kill();
    }
    for (const k of kinds) rows[k.name]!.hookP50 = percentiles(samples[k.name]!).p50;
  }

  const p = rows.plain!;
  const e = rows.encrypted!;
  const f = (x: number | undefined, d = 2) => (x === undefined ? "—" : x.toFixed(d));
  const lines = [
    `encryption at rest: ${SIZE} memories, plain vs encrypted in the same run`,
    "measure                      plain   encrypted   ratio/diff  target",
    `import ${SIZE} (memories/s)${f(p.importPerSecond, 0).padStart(9 - String(SIZE).length + 4)} ${f(e.importPerSecond, 0).padStart(11)}   ${f(e.importPerSecond! / p.importPerSecond!)}×       ≥ 1500 ${e.importPerSecond! >= 1500 ? "ok" : "MISSED"}`,
    `import 2000 ×3, median     ${f(p.importMedian, 0).padStart(6)} ${f(e.importMedian, 0).padStart(11)}   ${f(e.importMedian! / p.importMedian!)}×       ≥ 1500 ${e.importMedian! >= 1500 ? "ok" : "MISSED"}`,
    // Wall time on a shared machine measures its load as much as cairn (a :memory: import at load 7 ran 3× its CPU time).
    `  per CPU second: ${SIZE}: ${f(p.importPerCpuSecond, 0)} / ${f(e.importPerCpuSecond, 0)}; 2000 ×3 median: ${f(p.importCpuMedian, 0)} / ${f(e.importCpuMedian, 0)} (plain / encrypted; load ${loadAverage()})`,
    `keyword recall p50 (ms)  ${f(p.keywordP50).padStart(9)} ${f(e.keywordP50).padStart(11)}   ${f(e.keywordP50! / p.keywordP50!)}×       ≤ 1.5× ${e.keywordP50! / p.keywordP50! <= 1.5 ? "ok" : "MISSED"}`,
    `hybrid recall p50 (ms)   ${f(p.hybridP50).padStart(9)} ${f(e.hybridP50).padStart(11)}   ${f(e.hybridP50! / p.hybridP50!)}×       ≤ 1.3× ${e.hybridP50! / p.hybridP50! <= 1.3 ? "ok" : "MISSED"}`,
    p.hookP50 === undefined
      ? "warm hook p50: skipped (no dist/cairn, or --no-hooks)"
      : `warm hook p50 (ms)       ${f(p.hookP50).padStart(9)} ${f(e.hookP50).padStart(11)}   +${f(e.hookP50! - p.hookP50!)} ms   ≤ +3 ms ${e.hookP50! - p.hookP50! <= 3 ? "ok" : "MISSED"}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  ws.dispose();
}

async function startDaemon(env: Record<string, string | undefined>, sock: string) {
  const proc = Bun.spawn([BIN, "hook", "--serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
  for (let waited = 0; waited < 15_000; waited += 20) {
    if (await isServing(sock)) return proc;
    await Bun.sleep(20);
  }
  proc.kill();
  throw new Error("the hook daemon did not start within 15 s");
}
