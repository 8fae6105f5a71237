/**
 * @module Coding-agent memory benchmark on sets written blind (by a helper that never saw cairn's code):
 * memories of several projects plus global preferences, and searches labelled lexical, paraphrase,
 * superseded (only the newer memory counts) and none (nothing stored answers it). Each set goes into a fresh
 * store through the real Engine (created times replayed on the engine's clock); every search runs through
 * Engine.recall scoped to its project, and the same searches run against plain SQLite FTS5 BM25 (porter,
 * OR of content words), the baseline the project is judged against. Prints both side by side.
 *
 *   node scripts/bun.mjs run bench/coding.ts [--data bench/data/coding-a.json,bench/data/coding-b.json]
 *        [--mode keyword|semantic|hybrid] [--links] [--no-edges] [--no-extra] [--json]
 *
 * coding-a is the half that may be looked at and fitted on; coding-b is held out: report it, never tune on it.
 * `--links` records each "supersedes" as an explicit link (by default the store is not told). A set may carry
 * `edges` (typed links an agent wrote, e.g. a fix `fixes` an error): they are stored after the memories, unless
 * `--no-edges` (the ablation of recall's graph hops).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import { Engine } from "../src/engine/engine.ts";
import type { Embedder } from "../src/embed/port.ts";
import type { RecallMode, RetrievalChannel } from "../src/retrieve/channel.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { Bm25Baseline } from "./bm25.ts";
import { openBenchEmbedder } from "./embedder.ts";

export interface BlindMemory {
  id: string;
  project: string | null;
  kind: string;
  content: string;
  created: string;
  supersedes?: string;
}
export interface BlindQuery {
  query: string;
  project: string;
  relevant: string[];
  type: "lexical" | "paraphrase" | "none" | "superseded" | "error-text" | "temporal" | "multi" | "hop" | "direct";
}
export interface BlindSet {
  memories: BlindMemory[];
  queries: BlindQuery[];
  edges?: Array<{ from: string; to: string; relation: string }>;
}

const LIMIT = 10;

export interface CodingOptions {
  mode?: RecallMode;
  /** Record each "supersedes" as an explicit link. */
  links?: boolean;
  /** Store the set's `edges` (default true). */
  edges?: boolean;
  /** Add the `<set>-extra.json` searches beside each file (default true). */
  extra?: boolean;
  /** Called with each set's searches and both systems' rankings, for error analysis. */
  onRankings?: (name: string, set: BlindSet, cairn: Rankings, bm25: Rankings) => void;
}

/** Ranked memory ids per query, for one system. */
export type Rankings = string[][];

/**
 * Paraphrase searches whose answer the embedder alone ranks in its top 3 (cosine over the search's project
 * and global memories), and of those, how many `--mode semantic` recall returns within 3 places of that rank.
 */
export interface Fidelity {
  eligible: number;
  kept: number;
}

/**
 * Writes a blind set through `engine` in created order, the engine's clock (`setClock`) at each date, then its
 * `edges` (unless `edges` is false), and leaves the clock a day after the last memory. With `links`, each
 * "supersedes" is recorded as an explicit link as it is written. Returns blind id ↔ stored id.
 */
export function replaySet(engine: Engine, set: BlindSet, setClock: (t: number) => void, opts: { links?: boolean; edges?: boolean } = {}): { byBlind: Map<string, string>; toBlind: Map<string, string> } {
  const byBlind = new Map<string, string>();
  const toBlind = new Map<string, string>();
  const ordered = [...set.memories].sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
  for (const m of ordered) {
    setClock(Date.parse(m.created));
    // No expiry: this measures retrieval, not the 180-day lifetime of errors (which would retire a third of
    // these memories by the last date).
    const { id } = engine.remember({ content: m.content, type: m.kind, project: m.project, ttlMs: null, source: "bench" });
    byBlind.set(m.id, id);
    toBlind.set(id, m.id);
    if (opts.links && m.supersedes && byBlind.has(m.supersedes)) engine.relate(id, byBlind.get(m.supersedes)!, "supersedes");
  }
  setClock(Math.max(...ordered.map((m) => Date.parse(m.created))) + 86_400_000);
  if (opts.edges !== false) for (const e of set.edges ?? []) engine.relate(byBlind.get(e.from)!, byBlind.get(e.to)!, e.relation);
  return { byBlind, toBlind };
}

async function runCairn(set: BlindSet, mode: RecallMode, links: boolean, edges: boolean): Promise<{ rankings: Rankings; fidelity: Fidelity | null }> {
  let clock = 0;
  const store = new SqliteStore(":memory:");
  const embedder = mode === "keyword" ? null : await openBenchEmbedder("cairn-coding-");
  const channels: Record<string, RetrievalChannel> = embedder ? { dense: new DenseChannel({ store, open: async () => embedder }) } : {};
  const engine = new Engine({ store, project: "bench", actor: "bench", channels, now: () => clock });
  const { toBlind } = replaySet(engine, set, (t) => (clock = t), { links, edges });
  if (embedder) await embedPending(store, embedder);
  const out: Rankings = [];
  for (const q of set.queries) {
    const r = await engine.recall({ query: q.query, project: q.project, limit: LIMIT, mode, track: false });
    out.push(r.results.map((h) => toBlind.get(h.memory.id) ?? "?"));
  }
  const fidelity = embedder ? await semanticFidelity(set, embedder, engine, toBlind) : null;
  engine.close();
  await embedder?.dispose();
  return { rankings: out, fidelity };
}

async function semanticFidelity(set: BlindSet, embedder: Embedder, engine: Engine, toBlind: ReadonlyMap<string, string>): Promise<Fidelity> {
  const vectors = await embedder.embed(set.memories.map((m) => m.content), "document");
  const fidelity: Fidelity = { eligible: 0, kept: 0 };
  for (const q of set.queries.filter((q) => q.type === "paraphrase")) {
    const [v] = await embedder.embed([q.query], "query");
    const dot = (u: Float32Array) => u.reduce((a, x, i) => a + x * v![i]!, 0);
    const own = set.memories
      .map((m, i) => ({ id: m.id, project: m.project, score: dot(vectors[i]!) }))
      .filter((m) => m.project === null || m.project === q.project)
      .sort((a, b) => b.score - a.score)
      .map((m) => m.id);
    const rank = (ids: readonly string[]) => ids.findIndex((id) => q.relevant.includes(id)) + 1;
    const rawRank = rank(own);
    if (rawRank === 0 || rawRank > 3) continue;
    fidelity.eligible++;
    const r = await engine.recall({ query: q.query, project: q.project, limit: LIMIT, mode: "semantic", track: false });
    const semRank = rank(r.results.map((h) => toBlind.get(h.memory.id) ?? "?"));
    if (semRank > 0 && semRank <= rawRank + 3) fidelity.kept++;
  }
  return fidelity;
}

/** The baseline: plain FTS5 BM25 over the same memories, each search within its project plus global ones. */
function runBm25(set: BlindSet): Rankings {
  const bm25 = new Bm25Baseline(set.memories.map((m) => ({ id: m.id, content: m.content, scope: m.project ?? "" })));
  const out = set.queries.map((q) => bm25.search(q.query, LIMIT, q.project));
  bm25.close();
  return out;
}

export interface CodingReport {
  answerable: number;
  r5: number;
  r10: number;
  mrr: number;
  byType: Record<string, { n: number; r10: number; mrr: number }>;
  /** Share of nothing-relevant searches that returned nothing. */
  abstain: number;
  /** Mean results returned for nothing-relevant searches. */
  noneResults: number;
  /** Superseded searches whose first result is the current memory. */
  currentFirst: number;
  /** Semantic recall against the embedder's own ranking on paraphrase searches (cairn with a model only). */
  fidelity?: Fidelity;
}

function score(set: BlindSet, rankings: Rankings): CodingReport {
  const types: Record<string, { n: number; r10: number; mrr: number }> = {};
  let answerable = 0;
  let r5 = 0;
  let r10 = 0;
  let mrr = 0;
  let none = 0;
  let abstained = 0;
  let noneResults = 0;
  let superseded = 0;
  let currentFirst = 0;
  set.queries.forEach((q, i) => {
    const ranked = rankings[i]!;
    if (q.relevant.length === 0) {
      none++;
      if (ranked.length === 0) abstained++;
      noneResults += ranked.length;
      return;
    }
    const hit = (k: number) => q.relevant.filter((id) => ranked.slice(0, k).includes(id)).length / q.relevant.length;
    const first = ranked.findIndex((id) => q.relevant.includes(id));
    const rr = first === -1 ? 0 : 1 / (first + 1);
    answerable++;
    r5 += hit(5);
    r10 += hit(10);
    mrr += rr;
    const t = (types[q.type] ??= { n: 0, r10: 0, mrr: 0 });
    t.n++;
    t.r10 += hit(10);
    t.mrr += rr;
    if (q.type === "superseded") {
      superseded++;
      if (q.relevant.includes(ranked[0] ?? "")) currentFirst++;
    }
  });
  for (const t of Object.values(types)) {
    t.r10 /= t.n;
    t.mrr /= t.n;
  }
  return {
    answerable,
    r5: r5 / answerable,
    r10: r10 / answerable,
    mrr: mrr / answerable,
    byType: types,
    abstain: none === 0 ? 0 : abstained / none,
    noneResults: none === 0 ? 0 : noneResults / none,
    currentFirst: superseded === 0 ? 0 : currentFirst / superseded,
  };
}

/** A blind set's file, with (unless `extra` is false) the `<set>-extra.json` searches written later beside it. */
export function readBlindSet(file: string, extra = true): BlindSet {
  const set = JSON.parse(readFileSync(file, "utf8")) as BlindSet;
  // Searches written later for the same memories (raw error text, time, several memories at once).
  const more = file.replace(/\.json$/, "-extra.json");
  if (extra && existsSync(more)) set.queries.push(...(JSON.parse(readFileSync(more, "utf8")) as { queries: BlindQuery[] }).queries);
  return set;
}

/** Runs each set file through cairn and BM25; keyed by file name without `.json`. */
export async function runCoding(files: readonly string[], opts: CodingOptions = {}): Promise<Record<string, { cairn: CodingReport; bm25: CodingReport }>> {
  const mode = opts.mode ?? "hybrid";
  const results: Record<string, { cairn: CodingReport; bm25: CodingReport }> = {};
  for (const file of files) {
    const set = readBlindSet(file, opts.extra !== false);
    process.stderr.write(`coding: ${basename(file)} (${set.memories.length} memories, ${set.queries.length} searches, mode ${mode})\n`);
    const { rankings: cairn, fidelity } = await runCairn(set, mode, opts.links === true, opts.edges !== false);
    const bm25 = runBm25(set);
    opts.onRankings?.(basename(file, ".json"), set, cairn, bm25);
    results[basename(file, ".json")] = { cairn: { ...score(set, cairn), ...(fidelity ? { fidelity } : {}) }, bm25: score(set, bm25) };
  }
  return results;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      data: { type: "string", default: "bench/data/coding-a.json,bench/data/coding-b.json" },
      mode: { type: "string", default: "hybrid" },
      links: { type: "boolean", default: false },
      "no-edges": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      // Only the first searches of each set (the ones DESIGN.md's first table was measured on).
      "no-extra": { type: "boolean", default: false },
    },
  });
  const mode = values.mode as RecallMode;
  const results = await runCoding(values.data!.split(","), { mode, links: values.links, edges: !values["no-edges"], extra: !values["no-extra"] });
  printCoding(results, mode, values.links === true, values.json === true);
}

/** Query types the table has no column for (a graph set's hop/direct): "  hop R@10 0.800 MRR 0.612". */
function otherTypes(r: CodingReport): string {
  const shown = ["lexical", "paraphrase", "superseded", "error-text", "temporal", "multi"];
  return Object.entries(r.byType)
    .filter(([k]) => !shown.includes(k))
    .map(([k, v]) => `  ${k} R@10 ${v.r10.toFixed(3)} MRR ${v.mrr.toFixed(3)}`)
    .join("");
}

function printCoding(results: Record<string, { cairn: CodingReport; bm25: CodingReport }>, mode: RecallMode, links: boolean, json: boolean): void {
  const f = (x: number) => x.toFixed(3);
  if (json) {
    process.stdout.write(`${JSON.stringify({ mode, links, results })}\n`);
    return;
  }
  const rows = ["set         system  R@5    R@10   MRR    lexical paraphr supersd errtext temporal multi   abstain  none→n  current-first  semantic≈embedder"];
  for (const [name, pair] of Object.entries(results)) {
    for (const [system, r] of Object.entries(pair)) {
      const t = (k: string) => (r.byType[k] ? f(r.byType[k]!.r10) : "  -  ");
      rows.push(
        `${name.padEnd(11)} ${system.padEnd(7)} ${f(r.r5)}  ${f(r.r10)}  ${f(r.mrr)}  ${t("lexical")}   ${t("paraphrase")}   ${t("superseded")}   ${t("error-text")}   ${t("temporal")}    ${t("multi")}   ${f(r.abstain)}    ${r.noneResults.toFixed(1).padStart(4)}    ${f(r.currentFirst)}          ${r.fidelity ? `${r.fidelity.kept}/${r.fidelity.eligible}` : "-"}${otherTypes(r)}`,
      );
    }
  }
  process.stdout.write(`${rows.join("\n")}\n(R@k and MRR over answerable searches; lexical/paraphrase/superseded columns are R@10; abstain = share of nothing-relevant searches answered with no result; semantic≈embedder = paraphrase searches the embedder alone ranks top 3 that --mode semantic returns within 3 places of it)\n`);
}
