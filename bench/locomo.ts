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
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openModelEmbedder } from "../src/cli/retrieval.ts";
import type { Embedder } from "../src/embed/port.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import { Engine } from "../src/engine/engine.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import type { RecallMode, RetrievalChannel } from "../src/retrieve/channel.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { encryptedStoreOptions } from "./encrypted-store.ts";
import { cachedEmbedder } from "./locomo/embed-cache.ts";
import { CATEGORY_NAMES, type Conversation, loadLocomo, turnContent } from "./locomo/dataset.ts";
import { type Aggregate, aggregate, percentile, type QuestionScore, scoreQuestion, SESSION_K, TURN_K } from "./locomo/metrics.ts";

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
const mode = values.mode as RecallMode;
const embedder = mode === "keyword" ? null : await openBenchEmbedder();

/** The configured model, shared by every conversation; `--dense-floor` overrides its noise floor. */
async function openBenchEmbedder(): Promise<Embedder & { save?(): void }> {
  const opened = await openModelEmbedder(mkdtempSync(join(tmpdir(), "cairn-locomo-")), values.model!);
  const model = values["embed-cache"] ? cachedEmbedder(opened, values["embed-cache"]) : opened;
  if (values["dense-floor"] === undefined) return model;
  const minScore = Number(values["dense-floor"]);
  return { ...model, model: model.model, dims: model.dims, minScore, embed: (t, k) => model.embed(t, k), dispose: () => model.dispose() };
}

interface RunResult {
  scores: QuestionScore[];
  errataScores: QuestionScore[] | null;
  latencies: number[];
  ingestMs: number;
  turns: number;
  skipped: number;
}

async function runConversation(conv: Conversation, errataConv: Conversation | null): Promise<RunResult> {
  // --encrypted: the same run on an encrypted store (blind keyword index, AES-GCM values).
  const store = new SqliteStore(":memory:", values.encrypted ? encryptedStoreOptions() : {});
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
    const r = await engine.recall({ query: q.question, limit: Number(values.limit), mode, track: false, project: conv.id, includeGlobal: false });
    latencies.push(performance.now() - t0);
    ranking.set(q.question, r.results.map((h) => idToTurns.get(h.memory.id) ?? []));
  }
  engine.close();
  if (values.dump) {
    const lines = conv.questions.map((q) => JSON.stringify({ conv: conv.id, q: q.question, cat: q.category, gold: q.evidence, ranked: ranking.get(q.question) }));
    appendFileSync(values.dump, `${lines.join("\n")}\n`);
  }
  const score = (c: Conversation) => c.questions.map((q) => scoreQuestion(q.category, ranking.get(q.question) ?? [], q.evidence));
  return {
    scores: score(conv),
    errataScores: errataConv ? score(errataConv) : null,
    latencies,
    ingestMs,
    turns: conv.turns.length,
    skipped: conv.skipped,
  };
}

function pick(convs: Conversation[]): Conversation[] {
  if (!values.conversations) return convs;
  const wanted = new Set(values.conversations.split(",").map(Number));
  return convs.filter((_, i) => wanted.has(i));
}

const convs = pick(loadLocomo(values.data));
if (values.dump) writeFileSync(values.dump, "");
const errataConvs = values.errata ? pick(loadLocomo(values.data, values.errata)) : null;
const runs: RunResult[] = [];
for (const [i, conv] of convs.entries()) {
  process.stderr.write(`locomo: ${conv.id} (${conv.turns.length} turns, ${conv.questions.length} questions) [${i + 1}/${convs.length}]\n`);
  runs.push(await runConversation(conv, errataConvs?.[i] ?? null));
}

const all = runs.flatMap((r) => r.scores);
const byCategory = (scores: QuestionScore[]) =>
  Object.fromEntries(Object.keys(CATEGORY_NAMES).map((c) => [CATEGORY_NAMES[Number(c)]!, aggregate(scores.filter((s) => s.category === Number(c)))]));
const latencies = runs.flatMap((r) => r.latencies);
const summary = {
  mode,
  conversations: convs.length,
  questions: all.length,
  skipped_no_evidence: runs.reduce((a, r) => a + r.skipped, 0),
  turn: { overall: turnObj(aggregate(all)), without_adversarial: turnObj(aggregate(all.filter((s) => s.category !== 5))), by_category: mapValues(byCategory(all), turnObj) },
  session: { overall: sessionObj(aggregate(all)), by_category: mapValues(byCategory(all), sessionObj) },
  mrr: round(aggregate(all).mrr),
  ndcg10: round(aggregate(all).ndcg10),
  latency_ms: { p50: round(percentile(latencies, 50), 3), p95: round(percentile(latencies, 95), 3) },
  ingest: { turns: runs.reduce((a, r) => a + r.turns, 0), ms: round(runs.reduce((a, r) => a + r.ingestMs, 0), 1) },
  ...(errataConvs ? { errata: { turn: { overall: turnObj(aggregate(runs.flatMap((r) => r.errataScores ?? []))) } } } : {}),
};

embedder?.save?.();
await embedder?.dispose();
printTable();
if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);

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

function printTable(): void {
  const pct = (x: number) => (100 * x).toFixed(1).padStart(6);
  const rows: string[] = [];
  rows.push(`LoCoMo retrieval — mode ${mode}, ${summary.questions} questions (${summary.skipped_no_evidence} without usable evidence skipped)`);
  rows.push("");
  rows.push(`${"turn recall %".padEnd(22)}${TURN_K.map((k) => `R@${k}`.padStart(7)).join("")}${"n".padStart(7)}`);
  const line = (name: string, a: Aggregate) => `${name.padEnd(22)}${TURN_K.map((k) => pct(a.turn[k]!).padStart(7)).join("")}${String(a.n).padStart(7)}`;
  for (const [name, a] of Object.entries(byCategory(all))) rows.push(line(name, a));
  rows.push(line("overall (paper)", aggregate(all)));
  rows.push(line("overall w/o adversarial", aggregate(all.filter((s) => s.category !== 5))));
  if (errataConvs) rows.push(line("overall, errata gold", aggregate(runs.flatMap((r) => r.errataScores ?? []))));
  rows.push("");
  const agg = aggregate(all);
  rows.push(`session recall %      ${SESSION_K.map((k) => `R@${k} ${pct(agg.session[k]!)}`).join("   ")}`);
  rows.push(`MRR ${agg.mrr.toFixed(3)}   nDCG@10 ${agg.ndcg10.toFixed(3)}`);
  rows.push(`recall latency        p50 ${summary.latency_ms.p50.toFixed(2)} ms   p95 ${summary.latency_ms.p95.toFixed(2)} ms`);
  rows.push(`ingest                ${summary.ingest.turns} turns in ${(summary.ingest.ms / 1000).toFixed(2)} s`);
  process.stdout.write(`${rows.join("\n")}\n`);
}
