/**
 * @module What an abstention rule could see, per search of a blind coding set (+ its `-extra` searches): the
 * query's terms and their store-wide document counts, whether today's rule (retrieve/abstain.ts) abstains,
 * the best result's idf-weighted coverage, the keyword and dense channels' own lists (top ids, cosine, the
 * dense top's standout in sd over the query's candidates, agreement), the dense top's coverage, the cosine
 * change to it when the query's unknown words are deleted, and how close the query is to it compared with
 * that memory's own nearest memories (a hub — a note near everything — would look relevant to any query). Recall runs hybrid with abstention off,
 * so `relRank` (1-based, 0 = not in the top 10, -1 = nothing-relevant search) is what abstaining would cost.
 *
 *   node scripts/bun.mjs run bench/abstain-features.ts --data bench/data/coding-a.json [--summary]
 *
 * JSON lines by default; `--summary` prints, per search type, the range of each feature over the searches an
 * abstention could hit (one line, ≤ 12 terms, best coverage < 0.5) that are nothing-relevant or whose answer
 * is in the top 10. Measured 2026-12-03 on coding-a: every feature's range for the 18 nothing-relevant
 * searches overlaps that of the found paraphrase, temporal and multi searches (see DESIGN.md "Abstention
 * beyond names"), which is why no rule beyond names shipped.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { MemoryFilter } from "../src/domain/memory.ts";
import { Engine } from "../src/engine/engine.ts";
import { abstention } from "../src/retrieve/abstain.ts";
import type { ChannelHit } from "../src/retrieve/channel.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import { KeywordChannel } from "../src/retrieve/keyword-channel.ts";
import { coverage, idf, queryTerms, tokens } from "../src/retrieve/terms.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { type BlindQuery, type BlindSet, replaySet } from "./coding.ts";
import { openBenchEmbedder } from "./embedder.ts";

interface Row {
  type: string;
  query: string;
  relRank: number;
  terms: Array<[string, number]>;
  /** Idf-weighted share of the query's terms no memory contains. */
  unknownShare: number;
  /** Today's rule would abstain. */
  current: boolean;
  /** One line, ≤ 12 terms, best coverage < 0.5: a search any coverage-gated rule could abstain on. */
  gated: boolean;
  bestCoverage: number;
  keywordHits: number;
  denseTop: number;
  denseZ: number;
  denseGap: number;
  /** Keyword and dense channels rank the same memory first. */
  agree: boolean;
  /** Coverage of the query by the dense channel's best match. */
  denseTopCoverage: number;
  /** Cosine to the dense top match minus that of the query without its unknown words. */
  unknownDelta: number;
  /** Results only the dense channel found. */
  denseOnly: number;
  /** Share of in-scope memories closer to the dense top match than the query is (0 = the query is its nearest). */
  reverseRank: number;
  /** The query's cosine to the dense top match minus that match's mean cosine to its 5 nearest memories (CSLS-like). */
  hubless: number;
}

const LIMIT = 10;
const CANDIDATES = 50;

function ratio(c: { matched: number; total: number }): number {
  return c.total > 0 ? c.matched / c.total : 0;
}

async function features(file: string): Promise<Row[]> {
  const set = JSON.parse(readFileSync(file, "utf8")) as BlindSet;
  const extra = file.replace(/\.json$/, "-extra.json");
  if (existsSync(extra)) set.queries.push(...(JSON.parse(readFileSync(extra, "utf8")) as { queries: BlindQuery[] }).queries);
  let clock = 0;
  const store = new SqliteStore(":memory:");
  const embedder = await openBenchEmbedder("cairn-abstain-");
  const dense = new DenseChannel({ store, open: async () => embedder });
  const keyword = new KeywordChannel(store);
  const engine = new Engine({ store, project: "bench", actor: "bench", channels: { dense }, now: () => clock });
  const { byBlind, toBlind } = replaySet(engine, set, (t) => (clock = t));
  const ordered = set.memories;
  await embedPending(store, embedder);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((x, y, i) => x + y * b[i]!, 0);
  // Every memory's vector, for how close the dense top match is to its own neighbours.
  const memVec = new Map<string, Float32Array>();
  const vecs = await embedder.embed(ordered.map((m) => m.content), "document");
  ordered.forEach((m, i) => memVec.set(byBlind.get(m.id)!, vecs[i]!));
  const scopeOf = new Map(ordered.map((m) => [byBlind.get(m.id)!, m.project]));
  const rows: Row[] = [];
  for (const q of set.queries) {
    const r = await engine.recall({ query: q.query, project: q.project, limit: LIMIT, mode: "hybrid", track: false, abstain: false });
    const terms = queryTerms(q.query);
    const { docs, counts } = store.termStats(terms.map((t) => t.match));
    const weight = (_: unknown, i: number) => idf(counts[i]!, docs);
    const totalIdf = counts.reduce((a, n) => a + idf(n, docs), 0);
    const bestCoverage = Math.max(0, ...r.results.map((h) => ratio(coverage(terms, h.memory, weight))));
    const filter: MemoryFilter = { scope: { projects: q.project ? [q.project] : [], includeGlobal: true } };
    const kh: ChannelHit[] = await keyword.search({ text: q.query, filter, now: clock, limit: CANDIDATES });
    const dh: ChannelHit[] = await dense.search({ text: q.query, filter, now: clock, limit: CANDIDATES });
    const scores = dh.map((h) => h.score);
    const mean = scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length);
    const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, scores.length));
    const unknownWords = new Set(terms.filter((_, i) => counts[i] === 0).flatMap((t) => t.words));
    const kept = q.query.split(/\s+/).filter((w) => !tokens(w).some((x) => unknownWords.has(x))).join(" ");
    let unknownDelta = 0;
    if (dh[0] && unknownWords.size > 0) {
      const [qv, kv] = await embedder.embed([q.query, kept || "."], "query");
      const [mv] = await embedder.embed([dh[0].memory.content], "document");
      unknownDelta = dot(qv!, mv!) - dot(kv!, mv!);
    }
    const [qv0] = await embedder.embed([q.query], "query");
    const inScope = [...memVec.keys()].filter((id) => scopeOf.get(id) === null || scopeOf.get(id) === q.project);
    const reverse = dh.slice(0, 1).map((h) => {
      const mv = memVec.get(h.memory.id)!;
      const c = dot(qv0!, mv);
      const others = inScope.filter((id) => id !== h.memory.id).map((id) => dot(mv, memVec.get(id)!)).sort((a, b) => b - a);
      const near = others.slice(0, 5);
      return { rank: others.filter((x) => x > c).length / Math.max(1, others.length), hubless: c - near.reduce((a, b) => a + b, 0) / Math.max(1, near.length) };
    });
    const ranked = r.results.map((h) => toBlind.get(h.memory.id)!);
    rows.push({
      type: q.type,
      query: q.query,
      relRank: q.relevant.length === 0 ? -1 : ranked.findIndex((id) => q.relevant.includes(id)) + 1,
      terms: terms.map((t, i) => [t.match, counts[i]!]),
      unknownShare: totalIdf > 0 ? counts.reduce((a, n) => a + (n === 0 ? idf(n, docs) : 0), 0) / totalIdf : 0,
      current: abstention(store, q.query, r.results.map((h) => h.memory), filter.scope) !== null,
      gated: !q.query.includes("\n") && terms.length > 0 && terms.length <= 12 && bestCoverage < 0.5 && r.results.length > 0,
      bestCoverage,
      keywordHits: kh.length,
      denseTop: dh[0]?.score ?? 0,
      denseZ: sd > 0 ? ((dh[0]?.score ?? 0) - mean) / sd : 0,
      denseGap: (dh[0]?.score ?? 0) - (dh[1]?.score ?? 0),
      agree: kh[0] !== undefined && kh[0].memory.id === dh[0]?.memory.id,
      denseTopCoverage: dh[0] ? ratio(coverage(terms, dh[0].memory, weight)) : 0,
      unknownDelta,
      reverseRank: reverse[0]?.rank ?? 1,
      hubless: reverse[0]?.hubless ?? -1,
      denseOnly: r.results.filter((h) => !h.channels.keyword).length,
    });
  }
  engine.close();
  await embedder.dispose();
  return rows;
}

const NUMERIC = ["unknownShare", "bestCoverage", "keywordHits", "denseTop", "denseZ", "denseGap", "denseTopCoverage", "unknownDelta", "denseOnly", "reverseRank", "hubless"] as const;

function summary(name: string, rows: readonly Row[]): string {
  const out = [`${name}: nothing-relevant abstained by today's rule ${rows.filter((r) => r.relRank === -1 && r.current).length}/${rows.filter((r) => r.relRank === -1).length}`];
  const groups = new Map<string, Row[]>();
  for (const r of rows.filter((r) => r.gated && r.relRank !== 0)) {
    const key = r.relRank === -1 ? "none" : `${r.type} (answer in top 10)`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, group] of groups) {
    const range = (k: (typeof NUMERIC)[number]) => {
      const v = group.map((r) => r[k]);
      return `${k} ${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}`;
    };
    out.push(`  ${key.padEnd(30)} n=${String(group.length).padStart(2)}  agree ${group.filter((r) => r.agree).length}  ${NUMERIC.map(range).join("  ")}`);
  }
  return out.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { data: { type: "string", default: "bench/data/coding-a.json" }, summary: { type: "boolean", default: false } } });
  for (const file of values.data!.split(",")) {
    const rows = await features(file);
    process.stdout.write(values.summary ? `${summary(file, rows)}\n` : rows.map((r) => `${JSON.stringify({ set: file, ...r })}\n`).join(""));
  }
}
