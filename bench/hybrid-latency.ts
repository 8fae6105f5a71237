/**
 * @module In-process hybrid recall latency at 10k memories: `engine.recall({mode: "hybrid"})` through the
 * real Engine, keyword channel and dense channel over USE-lite vectors, query embedding included. Prints
 * p50/p95 and where the time goes (embedding, dense scoring, the rest of the dense channel, keyword,
 * fusion and the rest of recall), each measured by wrapping the part, per query.
 * Run: `node scripts/bun.mjs run bench/hybrid-latency.ts [--memories 10000] [--queries 300] [--dir /tmp/x]
 * [--kernel off] [--track false] [--writes 30] [--writer other|self]` (`--dir` keeps the seeded, embedded
 * database there and reuses it: embedding 10k memories takes ~1 min; `--kernel off` ranks in JS only, for
 * comparison). Then, `--writes` times each, the next recall after one write (update, forget, restore,
 * hard forget, remember) made through another connection to the file, as the CLI does while `cairn mcp`
 * runs (`--writer self`: through the recalling engine); every write is undone, so `--dir` stays reusable.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openModelEmbedder } from "../src/cli/retrieval.ts";
import type { Embedder } from "../src/embed/port.ts";
import { Engine } from "../src/engine/engine.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import type { RetrievalChannel } from "../src/retrieve/channel.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import { KeywordChannel } from "../src/retrieve/keyword-channel.ts";
import { VectorIndex } from "../src/retrieve/vector-index.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { generateMemories, generateQueries } from "./corpus.ts";
import { nowMs, percentiles, progress } from "./measure.ts";

const { values } = parseArgs({
  options: {
    memories: { type: "string", default: "10000" },
    queries: { type: "string", default: "300" },
    warmup: { type: "string", default: "50" },
    dir: { type: "string" },
    track: { type: "string", default: "true" },
    kernel: { type: "string", default: "on" },
    writes: { type: "string", default: "30" },
    writer: { type: "string", default: "other" },
  },
});
const MEMORIES = Number(values.memories);
const QUERIES = Number(values.queries);
const WARMUP = Number(values.warmup);
const TRACK = values.track !== "false";
const KERNEL = values.kernel !== "off";
const WRITES = Number(values.writes);

/** Per-query time spent in each wrapped part; `mark()` starts a new query. */
const parts = { embed: [] as number[], scoring: [] as number[], dense: [] as number[], keyword: [] as number[] };
let current = { embed: 0, scoring: 0, dense: 0, keyword: 0 };
const mark = () => (current = { embed: 0, scoring: 0, dense: 0, keyword: 0 });

function timedChannel(channel: RetrievalChannel, bucket: "dense" | "keyword"): RetrievalChannel {
  return {
    name: channel.name,
    scale: channel.scale,
    unsearched: channel.unsearched?.bind(channel),
    async search(q) {
      const t0 = nowMs();
      try {
        return await channel.search(q);
      } finally {
        current[bucket] += nowMs() - t0;
      }
    },
  };
}

function timedEmbedder(e: Embedder): Embedder {
  return {
    model: e.model,
    dims: e.dims,
    minScore: e.minScore,
    async embed(texts, kind) {
      const t0 = nowMs();
      try {
        return await e.embed(texts, kind);
      } finally {
        if (kind === "query") current.embed += nowMs() - t0;
      }
    },
    dispose: () => e.dispose(),
  };
}

/** Wraps the index's ranking (exact JS scoring, or the int8 kernel plus exact re-scoring). */
function timeIndex(): void {
  const proto = VectorIndex.prototype;
  const orig = proto.rank;
  proto.rank = async function (this: VectorIndex, ...args: Parameters<VectorIndex["rank"]>) {
    const t0 = nowMs();
    try {
      return await orig.apply(this, args);
    } finally {
      current.scoring += nowMs() - t0;
    }
  };
}

const home = values.dir ?? mkdtempSync(join(tmpdir(), "cairn-bench-hybrid-"));
const project = join(home, "project");
const db = join(home, "cairn.db");
try {
  mkdirSync(join(project, ".git"), { recursive: true });
  const fresh = !existsSync(db);
  const store = new SqliteStore(db);
  const embedder = await openModelEmbedder(home, "use-lite");
  if (fresh) {
    const seedEngine = new Engine({ store, project, actor: "bench" });
    const corpus = generateMemories(MEMORIES);
    store.transaction(() => {
      for (const m of corpus) seedEngine.remember(m);
    });
    const t0 = nowMs();
    await embedPending(store, embedder, { onProgress: (p) => p.done % 2000 < 64 && progress(`embedded ${p.done}/${p.total}`) });
    progress(`vectors for ${MEMORIES} memories in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
    store.database.run("PRAGMA wal_checkpoint(TRUNCATE)");
  } else progress(`reusing ${db}`);

  timeIndex();
  const dense = new DenseChannel({ store, open: async () => timedEmbedder(embedder), ...(KERNEL ? {} : { kernel: null }) });
  const engine = new Engine({
    store,
    project,
    actor: "bench",
    channels: { keyword: timedChannel(new KeywordChannel(store), "keyword"), dense: timedChannel(dense, "dense") },
  });
  const queries = generateQueries(QUERIES + WARMUP);
  const t0 = nowMs();
  await engine.recall({ query: "warm up the model and the index", mode: "hybrid", limit: 10 });
  const firstMs = nowMs() - t0;
  // The second search opens the top-k kernel and quantises the index: a one-off cost of long-lived processes.
  const t1 = nowMs();
  await engine.recall({ query: "and now the kernel", mode: "hybrid", limit: 10 });
  const secondMs = nowMs() - t1;
  for (const query of queries.slice(0, WARMUP)) await engine.recall({ query, mode: "hybrid", limit: 10, track: TRACK });
  const totals: number[] = [];
  const rest: number[] = [];
  let hits = 0;
  for (const query of queries.slice(WARMUP)) {
    mark();
    const t = nowMs();
    const r = await engine.recall({ query, mode: "hybrid", limit: 10, track: TRACK });
    const total = nowMs() - t;
    totals.push(total);
    parts.embed.push(current.embed);
    parts.scoring.push(current.scoring);
    parts.dense.push(current.dense - current.embed - current.scoring);
    parts.keyword.push(current.keyword);
    rest.push(total - current.dense - current.keyword);
    hits += r.results.length;
    if (r.warnings.length > 0) throw new Error(`unexpected warnings: ${r.warnings.join("; ")}`);
  }
  const count = store.vectors.models().find((m) => m.model === "use-lite")?.count ?? 0;
  const load = existsSync("/proc/loadavg") ? readFileSync("/proc/loadavg", "utf8").split(" ")[0] : "?";
  const f = (x: number) => `${x.toFixed(2)} ms`;
  const line = (label: string, xs: number[]) => {
    const p = percentiles(xs);
    return `  ${label.padEnd(36)} p50 ${f(p.p50).padStart(9)}  p95 ${f(p.p95).padStart(9)}  mean ${f(p.mean).padStart(9)}`;
  };
  console.log(`hybrid recall in process (${process.platform}-${process.arch}, Bun ${Bun.version}, ${navigator.hardwareConcurrency} CPUs, load ${load})`);
  console.log(`${count} use-lite vectors, ${QUERIES} queries after ${WARMUP} warm-up, limit 10, track ${TRACK}, kernel ${KERNEL ? "on" : "off"}, avg ${(hits / QUERIES).toFixed(1)} results`);
  console.log(`first recall (model + index load): ${f(firstMs)}; second (kernel open + int8 copy): ${f(secondMs)}`);
  console.log(line("recall total (target p50 ≤ 5 ms)", totals));
  console.log(line("query embedding", parts.embed));
  console.log(line("dense ranking (index.rank)", parts.scoring));
  console.log(line("dense rest (freshness, loading rows)", parts.dense));
  console.log(line("keyword channel", parts.keyword));
  console.log(line("rest of recall (fusion, touch, …)", rest));
  if (WRITES > 0) await afterWrites(engine, queries, line);
  engine.close();
  await embedder.dispose();
} finally {
  if (!values.dir) rmSync(home, { recursive: true, force: true });
}

/**
 * The next recall after a single write, per kind of write: what an agent that edits or forgets a memory
 * and then recalls waits for. Each write is undone (untimed) so a reused database keeps its contents.
 */
async function afterWrites(engine: Engine, queries: string[], line: (label: string, xs: number[]) => string): Promise<void> {
  const other = values.writer === "self" ? null : new SqliteStore(db);
  const writer = other ? new Engine({ store: other, project, actor: "bench-writer" }) : engine;
  const targets = engine.list({ limit: WRITES, offset: 500 }).memories;
  const times: Record<string, number[]> = { update: [], forget: [], restore: [], "forget --hard": [], remember: [] };
  let q = 0;
  const recall = async (label?: string) => {
    const t = nowMs();
    const r = await engine.recall({ query: queries[q++ % queries.length]!, mode: "hybrid", limit: 10, track: TRACK });
    if (label) times[label]!.push(nowMs() - t);
    if (r.warnings.length > 0) throw new Error(`unexpected warnings: ${r.warnings.join("; ")}`);
  };
  for (const m of targets) {
    writer.update(m.id, { content: `${m.content} (edited)` });
    await recall("update");
    writer.update(m.id, { content: m.content });
    await recall();
    writer.forget(m.id);
    await recall("forget");
    writer.restore(m.id);
    await recall("restore");
    writer.forget(m.id, { hard: true });
    await recall("forget --hard");
    writer.remember({ content: m.content, type: m.type, tags: m.tags, project: m.project });
    await recall("remember");
  }
  console.log(`next recall after one write by ${other ? "another connection" : "the same engine"} (${targets.length} each, embedding included)`);
  for (const [label, xs] of Object.entries(times)) console.log(line(`after ${label}`, xs));
  if (other) writer.close();
}
