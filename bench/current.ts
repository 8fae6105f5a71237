/**
 * @module Current beats stale, on sets written blind (bench/data/current-*.json): memories of several projects
 * whose facts changed over time, and questions whose answer changed, each labelled with the current memory
 * (or memories) and the stale ones. Memories go into a fresh store through Engine.remember in created order,
 * the engine's clock set to each created date, so whatever happens on write (supersede, conflicts) happens as
 * it would in use. Each question runs through Engine.recall in its project. Prints, per set: the share of
 * questions where a current memory ranks above every stale one (a stale one left out counts as below), how
 * many stale memories were superseded on write, and how many current ones were (wrongly) superseded.
 *
 *   node scripts/bun.mjs run bench/current.ts [--sets a,b,path/to/set.json] [--mode keyword|semantic|hybrid] [--json] [--show]
 *
 * Set a may be looked at and fitted on; set b is held out.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { openModelEmbedder } from "../src/cli/retrieval.ts";
import { Engine } from "../src/engine/engine.ts";
import type { RecallMode, RetrievalChannel } from "../src/retrieve/channel.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";

interface CurrentSet {
  memories: Array<{ id: string; project: string | null; kind: string; content: string; created: string }>;
  queries: Array<{ query: string; project: string; current: string[]; stale: string[] }>;
}

const { values } = parseArgs({
  options: {
    sets: { type: "string", default: "a,b" },
    mode: { type: "string", default: "hybrid" },
    json: { type: "boolean", default: false },
    show: { type: "boolean", default: false },
  },
});
const mode = values.mode as RecallMode;
/** A set's file: a letter names a shipped set (bench/data/current-<letter>.json), anything else is a path. */
const setFile = (name: string) => (name.includes("/") || name.endsWith(".json") ? name : `bench/data/current-${name}.json`);
const LIMIT = 10;

async function run(name: string) {
  const set = JSON.parse(readFileSync(setFile(name), "utf8")) as CurrentSet;
  const dir = mkdtempSync(join(tmpdir(), "cairn-current-"));
  let clock = 0;
  const store = new SqliteStore(":memory:");
  const embedder = mode === "keyword" ? null : await openModelEmbedder(dir, "use-lite");
  const channels: Record<string, RetrievalChannel> = embedder ? { dense: new DenseChannel({ store, open: async () => embedder }) } : {};
  const engine = new Engine({ store, project: "bench", actor: "bench", channels, now: () => clock });
  const toStore = new Map<string, string>();
  const toBlind = new Map<string, string>();
  for (const m of [...set.memories].sort((a, b) => Date.parse(a.created) - Date.parse(b.created))) {
    clock = Date.parse(m.created);
    const { id } = engine.remember({ content: m.content, type: m.kind, project: m.project, ttlMs: null, source: "bench" });
    toStore.set(m.id, id);
    if (!toBlind.has(id)) toBlind.set(id, m.id);
  }
  clock = Math.max(...set.memories.map((m) => Date.parse(m.created))) + 86_400_000;
  if (embedder) await embedPending(store, embedder);
  const status = (blind: string) => store.get(toStore.get(blind)!)?.status;
  let wins = 0;
  let currentFound = 0;
  for (const q of set.queries) {
    const r = await engine.recall({ query: q.query, project: q.project, limit: LIMIT, mode, track: false });
    const ranked = r.results.map((h) => toBlind.get(h.memory.id) ?? "?");
    const rank = (ids: string[]) => Math.min(...ids.map((id) => (ranked.includes(id) ? ranked.indexOf(id) : Infinity)));
    const cur = rank(q.current);
    const win = cur < Infinity && cur < rank(q.stale);
    if (cur < Infinity) currentFound++;
    if (win) wins++;
    else if (values.show) process.stderr.write(`✗ ${q.query}\n  current ${q.current.join(",")} stale ${q.stale.join(",")} got ${ranked.slice(0, 5).join(",")}\n`);
  }
  const stale = [...new Set(set.queries.flatMap((q) => q.stale))];
  const current = [...new Set(set.queries.flatMap((q) => q.current))];
  const staleSuperseded = stale.filter((s) => status(s) === "superseded").length;
  const currentSuperseded = current.filter((s) => status(s) === "superseded").length;
  if (values.show) {
    const content = new Map(set.memories.map((m) => [m.id, m.content]));
    for (const c of current.filter((s) => status(s) === "superseded")) {
      const by = toBlind.get(store.get(toStore.get(c)!)!.supersededBy!);
      process.stderr.write(`current ${c} superseded by ${by}\n  ${content.get(c)}\n  ${content.get(by!)}\n`);
    }
  }
  engine.close();
  await embedder?.dispose();
  rmSync(dir, { recursive: true, force: true });
  const share = (n: number, d: number) => Math.round((n / d) * 1000) / 1000;
  return {
    queries: set.queries.length,
    current_above_stale: share(wins, set.queries.length),
    current_in_top10: share(currentFound, set.queries.length),
    stale_superseded_on_write: `${staleSuperseded}/${stale.length}`,
    current_superseded_on_write: `${currentSuperseded}/${current.length}`,
  };
}

const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
for (const name of values.sets!.split(",")) results[name] = await run(name);
if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
else {
  for (const [name, r] of Object.entries(results)) {
    process.stdout.write(`${basename(setFile(name), ".json")} (${r.queries} questions, ${mode})\n`);
    for (const [k, v] of Object.entries(r)) if (k !== "queries") process.stdout.write(`  ${k.padEnd(30)} ${v}\n`);
  }
}
