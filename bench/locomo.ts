/**
 * @module LoCoMo retrieval benchmark: each conversation goes into a fresh store through the real Engine (one
 * memory per dialog turn, the session date as event_time), every question is asked through Engine.recall
 * scoped to that conversation, and turn- and session-level retrieval metrics are printed per category.
 *
 *   npm run bench:locomo -- --data ../shared/data/locomo/locomo10.json [--errata …/locomo10_audit_errors.json]
 *                           [--mode keyword|semantic|hybrid] [--conversations 0,2,4] [--json] [--encrypted]
 *                           [--embed-cache /tmp/locomo-vectors.json]   (reuse vectors across runs)
 *                           [--dump /tmp/ranks.jsonl]   (each question's ranked turn ids, for error analysis)
 *                           [--limit 50]   (results per question; R@k above it is capped)
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { openBenchEmbedder as openEmbedderIn } from "./embedder.ts";
import type { Embedder } from "../src/embed/port.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import { Engine } from "../src/engine/engine.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import type { RecallMode, RetrievalChannel } from "../src/retrieve/channel.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { Bm25Baseline } from "./bm25.ts";
import { encryptedStoreOptions } from "./encrypted-store.ts";
import { cachedEmbedder } from "./locomo/embed-cache.ts";
import { CATEGORY_NAMES, type Conversation, loadLocomo, turnContent } from "./locomo/dataset.ts";
import { type Aggregate, aggregate, percentile, type QuestionScore, scoreQuestion, SESSION_K, TURN_K } from "./locomo/metrics.ts";

export interface LocomoOptions {
  data: string;
  errata?: string;
  mode?: RecallMode;
  model?: string;
  denseFloor?: number;
  /** Indexes of the conversations to run (default all). */
  conversations?: readonly number[];
  embedCache?: string;
  dump?: string;
  limit?: number;
  encrypted?: boolean;
  /** Also rank every question with plain FTS5 BM25 (the baseline), scored the same way. */
  bm25?: boolean;
}

interface RunResult {
  scores: QuestionScore[];
  bm25Scores: QuestionScore[];
  errataScores: QuestionScore[] | null;
  latencies: number[];
  ingestMs: number;
  turns: number;
  skipped: number;
}

export interface LocomoRun {
  mode: RecallMode;
  conversations: number;
  scores: QuestionScore[];
  /** Empty unless `bm25` was asked for. */
  bm25Scores: QuestionScore[];
  errataScores: QuestionScore[] | null;
  latencies: number[];
  ingest: { turns: number; ms: number };
  skipped: number;
}

/** Runs the chosen LoCoMo conversations through cairn (and BM25 when asked). */
export async function runLocomo(opts: LocomoOptions): Promise<LocomoRun> {
  const mode = opts.mode ?? "hybrid";
  const limit = opts.limit ?? 50;
  const embedder = mode === "keyword" ? null : await openBenchEmbedder(opts);
  const pick = (convs: Conversation[]) => (opts.conversations ? convs.filter((_, i) => opts.conversations!.includes(i)) : convs);
  const convs = pick(loadLocomo(opts.data));
  if (opts.dump) writeFileSync(opts.dump, "");
  const errataConvs = opts.errata ? pick(loadLocomo(opts.data, opts.errata)) : null;
  const runs: RunResult[] = [];
  for (const [i, conv] of convs.entries()) {
    process.stderr.write(`locomo: ${conv.id} (${conv.turns.length} turns, ${conv.questions.length} questions) [${i + 1}/${convs.length}]\n`);
    runs.push(await runConversation(conv, errataConvs?.[i] ?? null, { ...opts, mode, limit }, embedder));
  }
  embedder?.save?.();
  await embedder?.dispose();
  return {
    mode,
    conversations: convs.length,
    scores: runs.flatMap((r) => r.scores),
    bm25Scores: runs.flatMap((r) => r.bm25Scores),
    errataScores: errataConvs ? runs.flatMap((r) => r.errataScores ?? []) : null,
    latencies: runs.flatMap((r) => r.latencies),
    ingest: { turns: runs.reduce((a, r) => a + r.turns, 0), ms: runs.reduce((a, r) => a + r.ingestMs, 0) },
    skipped: runs.reduce((a, r) => a + r.skipped, 0),
  };
}

/** The configured model, shared by every conversation; `denseFloor` overrides its noise floor. */
async function openBenchEmbedder(opts: LocomoOptions): Promise<Embedder & { save?(): void }> {
  const opened = await openEmbedderIn("cairn-locomo-", opts.model ?? "use-lite");
  const model = opts.embedCache ? cachedEmbedder(opened, opts.embedCache) : opened;
  if (opts.denseFloor === undefined) return model;
  const minScore = opts.denseFloor;
  return { ...model, model: model.model, dims: model.dims, minScore, embed: (t, k) => model.embed(t, k), dispose: () => model.dispose() };
}

type RunOptions = LocomoOptions & { mode: RecallMode; limit: number };

async function runConversation(conv: Conversation, errataConv: Conversation | null, opts: RunOptions, embedder: Embedder | null): Promise<RunResult> {
  // --encrypted: the same run on an encrypted store (blind keyword index, AES-GCM values).
  const store = new SqliteStore(":memory:", opts.encrypted ? encryptedStoreOptions() : {});
  const channels: Record<string, RetrievalChannel> = embedder ? { dense: new DenseChannel({ store, open: async () => embedder }) } : {};
  const engine = new Engine({ store, project: conv.id, actor: "bench", channels });
  const idToTurns = new Map<string, string[]>();
  const started = performance.now();
  for (const t of conv.turns) {
    // Each LoCoMo session is one conversation sitting: stored as the memory's session, as an agent's hooks would.
    const { id } = engine.remember({ content: turnContent(t), eventTime: t.time, sessionId: `${conv.id}:session_${t.session}`, metadata: { dia_id: t.diaId } });
    idToTurns.set(id, [...(idToTurns.get(id) ?? []), t.diaId]);
  }
  if (embedder) await embedPending(store, embedder);
  const ingestMs = performance.now() - started;
  const latencies: number[] = [];
  const ranking = new Map<string, string[][]>();
  for (const q of conv.questions) {
    const t0 = performance.now();
    const r = await engine.recall({ query: q.question, limit: opts.limit, mode: opts.mode, track: false, project: conv.id, includeGlobal: false });
    latencies.push(performance.now() - t0);
    ranking.set(q.question, r.results.map((h) => idToTurns.get(h.memory.id) ?? []));
  }
  engine.close();
  if (opts.dump) {
    const lines = conv.questions.map((q) => JSON.stringify({ conv: conv.id, q: q.question, cat: q.category, gold: q.evidence, ranked: ranking.get(q.question) }));
    appendFileSync(opts.dump, `${lines.join("\n")}\n`);
  }
  const score = (c: Conversation, ranked: Map<string, string[][]>) => c.questions.map((q) => scoreQuestion(q.category, ranked.get(q.question) ?? [], q.evidence));
  return {
    scores: score(conv, ranking),
    bm25Scores: opts.bm25 ? score(conv, bm25Ranking(conv, opts.limit)) : [],
    errataScores: errataConv ? score(errataConv, ranking) : null,
    latencies,
    ingestMs,
    turns: conv.turns.length,
    skipped: conv.skipped,
  };
}

/** Plain FTS5 BM25 over the conversation's turns, each question's ranked turn ids. */
function bm25Ranking(conv: Conversation, limit: number): Map<string, string[][]> {
  const bm25 = new Bm25Baseline(conv.turns.map((t) => ({ id: t.diaId, content: turnContent(t) })));
  const out = new Map(conv.questions.map((q) => [q.question, bm25.search(q.question, limit).map((id) => [id])]));
  bm25.close();
  return out;
}

const byCategory = (scores: QuestionScore[]) =>
  Object.fromEntries(Object.keys(CATEGORY_NAMES).map((c) => [CATEGORY_NAMES[Number(c)]!, aggregate(scores.filter((s) => s.category === Number(c)))]));

/** Turn R@k by category name, plus `overall`, for the relevance table. */
export function locomoByCategory(scores: QuestionScore[]): Record<string, Aggregate> {
  return { ...byCategory(scores), overall: aggregate(scores) };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      data: { type: "string" },
      errata: { type: "string" },
      mode: { type: "string", default: "hybrid" },
      model: { type: "string", default: "use-lite" },
      "dense-floor": { type: "string" },
      conversations: { type: "string" },
      "embed-cache": { type: "string" },
      dump: { type: "string" },
      limit: { type: "string", default: "50" },
      json: { type: "boolean", default: false },
      encrypted: { type: "boolean", default: false },
    },
  });
  if (!values.data) {
    process.stderr.write("usage: npm run bench:locomo -- --data <path to locomo10.json> [--errata <path>] [--mode m] [--json]\n");
    process.exit(2);
  }
  const run = await runLocomo({
    data: values.data,
    ...(values.errata ? { errata: values.errata } : {}),
    mode: values.mode as RecallMode,
    model: values.model!,
    ...(values["dense-floor"] !== undefined ? { denseFloor: Number(values["dense-floor"]) } : {}),
    ...(values.conversations ? { conversations: values.conversations.split(",").map(Number) } : {}),
    ...(values["embed-cache"] ? { embedCache: values["embed-cache"] } : {}),
    ...(values.dump ? { dump: values.dump } : {}),
    limit: Number(values.limit),
    encrypted: values.encrypted,
  });
  const summary = summarise(run);
  printTable(run, summary);
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
}

function summarise(run: LocomoRun) {
  const all = run.scores;
  return {
    mode: run.mode,
    conversations: run.conversations,
    questions: all.length,
    skipped_no_evidence: run.skipped,
    turn: { overall: turnObj(aggregate(all)), without_adversarial: turnObj(aggregate(all.filter((s) => s.category !== 5))), by_category: mapValues(byCategory(all), turnObj) },
    session: { overall: sessionObj(aggregate(all)), by_category: mapValues(byCategory(all), sessionObj) },
    mrr: round(aggregate(all).mrr),
    ndcg10: round(aggregate(all).ndcg10),
    latency_ms: { p50: round(percentile(run.latencies, 50), 3), p95: round(percentile(run.latencies, 95), 3) },
    ingest: { turns: run.ingest.turns, ms: round(run.ingest.ms, 1) },
    ...(run.errataScores ? { errata: { turn: { overall: turnObj(aggregate(run.errataScores)) } } } : {}),
  };
}

function turnObj(a: Aggregate) {
  return Object.fromEntries(TURN_K.map((k) => [`r${k}`, round(a.turn[k]!)])) as Record<string, number>;
}
function sessionObj(a: Aggregate) {
  return Object.fromEntries(SESSION_K.map((k) => [`r${k}`, round(a.session[k]!)])) as Record<string, number>;
}
function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
function round(x: number, digits = 4): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

function printTable(run: LocomoRun, summary: ReturnType<typeof summarise>): void {
  const pct = (x: number) => (100 * x).toFixed(1).padStart(6);
  const rows: string[] = [];
  rows.push(`LoCoMo retrieval — mode ${run.mode}, ${summary.questions} questions (${summary.skipped_no_evidence} without usable evidence skipped)`);
  rows.push("");
  rows.push(`${"turn recall %".padEnd(22)}${TURN_K.map((k) => `R@${k}`.padStart(7)).join("")}${"n".padStart(7)}`);
  const line = (name: string, a: Aggregate) => `${name.padEnd(22)}${TURN_K.map((k) => pct(a.turn[k]!).padStart(7)).join("")}${String(a.n).padStart(7)}`;
  const all = run.scores;
  for (const [name, a] of Object.entries(byCategory(all))) rows.push(line(name, a));
  rows.push(line("overall (paper)", aggregate(all)));
  rows.push(line("overall w/o adversarial", aggregate(all.filter((s) => s.category !== 5))));
  if (run.errataScores) rows.push(line("overall, errata gold", aggregate(run.errataScores)));
  rows.push("");
  const agg = aggregate(all);
  rows.push(`session recall %      ${SESSION_K.map((k) => `R@${k} ${pct(agg.session[k]!)}`).join("   ")}`);
  rows.push(`MRR ${agg.mrr.toFixed(3)}   nDCG@10 ${agg.ndcg10.toFixed(3)}`);
  rows.push(`recall latency        p50 ${summary.latency_ms.p50.toFixed(2)} ms   p95 ${summary.latency_ms.p95.toFixed(2)} ms`);
  rows.push(`ingest                ${summary.ingest.turns} turns in ${(summary.ingest.ms / 1000).toFixed(2)} s`);
  process.stdout.write(`${rows.join("\n")}\n`);
}
