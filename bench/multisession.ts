/**
 * @module Multi-session recall on sets written blind: long user–assistant histories (20–30 sessions each)
 * where the evidence for most questions is spread over several sessions, the case where lifting the best
 * session's other turns crowds the top-k into one sitting. Each conversation goes into a fresh store through
 * the real Engine (one memory per turn, its session id and date); every question runs through
 * Engine.recall, and the same questions through plain FTS5 BM25 (porter, OR of content words).
 *
 *   node scripts/bun.mjs run bench/multisession.ts [--data bench/data/multisession-a.json,…-b.json]
 *        [--mode keyword|semantic|hybrid] [--embed-cache /tmp/ms-vecs.json] [--json]
 *
 * multisession-a may be fitted on; multisession-b is held out. Reported per set: turn-level R@10 (share of
 * evidence turns in the top 10), session-level R@10 (share of evidence sessions with a turn in the top 10),
 * by question type, and abstention on questions with no evidence.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import type { Embedder } from "../src/embed/port.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import { Engine } from "../src/engine/engine.ts";
import type { RecallMode, RetrievalChannel } from "../src/retrieve/channel.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { Bm25Baseline } from "./bm25.ts";
import { cachedEmbedder } from "./locomo/embed-cache.ts";
import { openBenchEmbedder } from "./embedder.ts";

interface Turn {
  id: string;
  role: string;
  text: string;
}
export interface Conversation {
  id: string;
  sessions: Array<{ id: string; date: string; turns: Turn[] }>;
  questions: Array<{ q: string; evidence: string[]; type: string }>;
}

const K = 10;

const content = (t: Turn) => `${t.role === "user" ? "User" : "Assistant"}: ${t.text}`;
const sessionOf = (turnId: string) => turnId.replace(/-t\d+$/, "");

async function runCairn(conv: Conversation, mode: RecallMode, embedder: Embedder | null): Promise<string[][]> {
  let clock = 0;
  const store = new SqliteStore(":memory:");
  const channels: Record<string, RetrievalChannel> = embedder ? { dense: new DenseChannel({ store, open: async () => embedder }) } : {};
  const engine = new Engine({ store, project: conv.id, actor: "bench", channels, now: () => clock });
  const turnOf = new Map<string, string>();
  for (const s of conv.sessions) {
    s.turns.forEach((t, i) => {
      clock = Date.parse(s.date) + i * 60_000;
      const { id } = engine.remember({ content: content(t), eventTime: Date.parse(s.date), sessionId: `${conv.id}:${s.id}`, ttlMs: null });
      turnOf.set(id, t.id);
    });
  }
  clock += 86_400_000;
  if (embedder) await embedPending(store, embedder);
  const out: string[][] = [];
  for (const q of conv.questions) {
    const r = await engine.recall({ query: q.q, limit: K, mode, track: false, project: conv.id, includeGlobal: false });
    out.push(r.results.map((h) => turnOf.get(h.memory.id) ?? "?"));
  }
  engine.close();
  return out;
}

function runBm25(conv: Conversation): string[][] {
  const bm25 = new Bm25Baseline(conv.sessions.flatMap((s) => s.turns.map((t) => ({ id: t.id, content: content(t) }))));
  const out = conv.questions.map((q) => bm25.search(q.q, K));
  bm25.close();
  return out;
}

export interface Tally {
  n: number;
  turn: number;
  session: number;
}
export interface MultisessionReport {
  all: Tally;
  byType: Record<string, Tally>;
  none: { n: number; abstained: number };
}

function score(convs: Conversation[], rankings: string[][][]): MultisessionReport {
  const rep: MultisessionReport = { all: { n: 0, turn: 0, session: 0 }, byType: {}, none: { n: 0, abstained: 0 } };
  convs.forEach((conv, c) =>
    conv.questions.forEach((q, i) => {
      const ranked = rankings[c]![i]!;
      if (q.evidence.length === 0) {
        rep.none.n++;
        if (ranked.length === 0) rep.none.abstained++;
        return;
      }
      const turn = q.evidence.filter((e) => ranked.includes(e)).length / q.evidence.length;
      const sessions = [...new Set(q.evidence.map(sessionOf))];
      const found = new Set(ranked.map(sessionOf));
      const session = sessions.filter((s) => found.has(s)).length / sessions.length;
      for (const t of [rep.all, (rep.byType[q.type] ??= { n: 0, turn: 0, session: 0 })]) {
        t.n++;
        t.turn += turn;
        t.session += session;
      }
    }),
  );
  return rep;
}

export interface MultisessionOptions {
  mode?: RecallMode;
  /** A file caching the turns' vectors between runs (results may differ by a question with and without it: relevance.ts). */
  embedCache?: string;
  /** Called with each set's conversations and both systems' rankings (per conversation, per question). */
  onRankings?: (name: string, convs: Conversation[], cairn: string[][][], bm25: string[][][]) => void;
}

/** Runs each set file through cairn and BM25; keyed by file name without `.json`. */
export async function runMultisession(files: readonly string[], opts: MultisessionOptions = {}): Promise<Record<string, { cairn: MultisessionReport; bm25: MultisessionReport }>> {
  const mode = opts.mode ?? "hybrid";
  const opened = mode === "keyword" ? null : await openBenchEmbedder("cairn-ms-");
  const embedder: (Embedder & { save?(): void }) | null = opened && opts.embedCache ? cachedEmbedder(opened, opts.embedCache) : opened;
  const results: Record<string, { cairn: MultisessionReport; bm25: MultisessionReport }> = {};
  for (const file of files) {
    const convs = (JSON.parse(readFileSync(file, "utf8")) as { conversations: Conversation[] }).conversations;
    process.stderr.write(`multisession: ${basename(file)} (${convs.length} conversations, mode ${mode})\n`);
    const cairn: string[][][] = [];
    for (const conv of convs) cairn.push(await runCairn(conv, mode, embedder));
    const bm25 = convs.map(runBm25);
    opts.onRankings?.(basename(file, ".json"), convs, cairn, bm25);
    results[basename(file, ".json")] = { cairn: score(convs, cairn), bm25: score(convs, bm25) };
  }
  embedder?.save?.();
  await embedder?.dispose();
  return results;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      data: { type: "string", default: "bench/data/multisession-a.json,bench/data/multisession-b.json" },
      mode: { type: "string", default: "hybrid" },
      json: { type: "boolean", default: false },
      "embed-cache": { type: "string" },
    },
  });
  const mode = values.mode as RecallMode;
  const results = await runMultisession(values.data!.split(","), { mode, ...(values["embed-cache"] ? { embedCache: values["embed-cache"] } : {}) });
  if (values.json) process.stdout.write(`${JSON.stringify({ mode, results })}\n`);
  else printMultisession(results);
}

function printMultisession(results: Record<string, { cairn: MultisessionReport; bm25: MultisessionReport }>): void {
  const avg = (t: Tally | undefined, k: "turn" | "session") => (t && t.n > 0 ? (t[k] / t.n).toFixed(3) : "  -  ");
  const types = ["aggregate", "single", "temporal", "update"];
  const rows = [`set              system  turn R@10  session R@10  ${types.map((t) => `${t.slice(0, 9).padEnd(9)}`).join(" ")}  abstain`];
  for (const [name, pair] of Object.entries(results)) {
    for (const [system, r] of Object.entries(pair)) {
      rows.push(
        `${name.padEnd(16)} ${system.padEnd(7)} ${avg(r.all, "turn")}      ${avg(r.all, "session")}         ${types.map((t) => avg(r.byType[t], "session").padEnd(9)).join(" ")}  ${r.none.abstained}/${r.none.n}`,
      );
    }
  }
  process.stdout.write(`${rows.join("\n")}\n(type columns: session-level R@10)\n`);
}
