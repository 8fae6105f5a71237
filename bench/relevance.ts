/**
 * @module One relevance report: every blind set side by side with plain FTS5 BM25, in one table — coding
 * searches (bench/coding.ts), multi-session questions (bench/multisession.ts), proactive injection
 * (bench/inject.ts), conflicts on write (bench/lifecycle.ts) and, with `--locomo`, LoCoMo (bench/locomo.ts,
 * slow: ~10 min on a loaded 2-core machine). Each row is one measure of one set; Δ is cairn − BM25 in points.
 *
 *   npm run bench:relevance -- [--mode hybrid] [--locomo] [--locomo-data ../shared/data/locomo/locomo10.json]
 *        [--conversations 0,1,2] [--embed-cache /tmp/locomo-vecs.json] [--only coding,multisession,inject,pairs]
 *        [--coding x.json] [--multisession y.json] [--inject z.json[:memories.json]] [--pairs w.jsonl]
 *        [--no-defaults] [--json]
 *
 * The set flags add files (repeat them for more) beside the shipped sets, so a held-out set runs without
 * code changes; `--no-defaults` runs only the given ones. `--embed-cache F` keeps LoCoMo's vectors in F and the
 * multi-session turns' in F.ms (results may differ by a question with and without it: the cache embeds each text once, in
 * other batches than a store's own embedding, and onnxruntime's vectors differ in their last bits between batches —
 * multisession a session R@10 0.778 with, 0.775 without, in session 42). An inject label file takes its memories from the
 * coding set of the same name (inject-x.json → coding-x.json) unless `labels.json:memories.json` says.
 * Sets named *-a were fitted on; *-b and anything given here are held out.
 */
import { parseArgs } from "node:util";
import type { RecallMode } from "../src/retrieve/channel.ts";
import { runCoding } from "./coding.ts";
import { injectSet, injectTotal, runInject } from "./inject.ts";
import { runPairs } from "./lifecycle.ts";
import { locomoByCategory, runLocomo } from "./locomo.ts";
import { runMultisession } from "./multisession.ts";

const { values } = parseArgs({
  options: {
    mode: { type: "string", default: "hybrid" },
    locomo: { type: "boolean", default: false },
    "locomo-data": { type: "string", default: "../shared/data/locomo/locomo10.json" },
    conversations: { type: "string" },
    "embed-cache": { type: "string" },
    only: { type: "string", default: "coding,multisession,inject,pairs" },
    coding: { type: "string", multiple: true, default: [] },
    multisession: { type: "string", multiple: true, default: [] },
    inject: { type: "string", multiple: true, default: [] },
    pairs: { type: "string", multiple: true, default: [] },
    "no-defaults": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const mode = values.mode as RecallMode;
const only = new Set(values.only!.split(","));
const sets = (kind: string, shipped: string[], given: string[]) => (only.has(kind) ? [...(values["no-defaults"] ? [] : shipped), ...given] : []);
const data = (name: string, ext = "json") => ["a", "b"].map((s) => `bench/data/${name}-${s}.${ext}`);

/** One line of the table: a measure of one set, cairn beside the baseline (null where there is none). */
interface Row {
  set: string;
  measure: string;
  cairn: number;
  bm25: number | null;
}
const rows: Row[] = [];
const row = (set: string, measure: string, cairn: number, bm25: number | null) => rows.push({ set, measure, cairn, bm25 });

const coding = sets("coding", data("coding"), values.coding!);
if (coding.length > 0) {
  for (const [set, { cairn, bm25 }] of Object.entries(await runCoding(coding, { mode }))) {
    row(set, "R@5", cairn.r5, bm25.r5);
    row(set, "R@10", cairn.r10, bm25.r10);
    row(set, "MRR", cairn.mrr, bm25.mrr);
    for (const type of ["paraphrase", "temporal", "superseded", "hop", "direct"]) {
      if (cairn.byType[type]) row(set, `${type} R@10`, cairn.byType[type]!.r10, bm25.byType[type]?.r10 ?? 0);
    }
    if (cairn.byType.superseded) row(set, "current first (superseded)", cairn.currentFirst, bm25.currentFirst);
    row(set, "abstain (nothing relevant)", cairn.abstain, bm25.abstain);
    if (cairn.fidelity) row(set, `semantic ≈ embedder (of ${cairn.fidelity.eligible})`, cairn.fidelity.kept / cairn.fidelity.eligible, null);
  }
}

const multisession = sets("multisession", data("multisession"), values.multisession!);
if (multisession.length > 0) {
  for (const [set, { cairn, bm25 }] of Object.entries(await runMultisession(multisession, { mode, ...(values["embed-cache"] ? { embedCache: `${values["embed-cache"]}.ms` } : {}) }))) {
    row(set, "session R@10", cairn.all.session / cairn.all.n, bm25.all.session / bm25.all.n);
    row(set, "turn R@10", cairn.all.turn / cairn.all.n, bm25.all.turn / bm25.all.n);
    const agg = (r: typeof cairn) => (r.byType.aggregate ? r.byType.aggregate.session / r.byType.aggregate.n : 0);
    if (cairn.byType.aggregate) row(set, "aggregate session R@10", agg(cairn), agg(bm25));
    row(set, "abstain (no evidence)", cairn.none.n ? cairn.none.abstained / cairn.none.n : 0, bm25.none.n ? bm25.none.abstained / bm25.none.n : 0);
  }
}

const inject = sets("inject", data("inject"), values.inject!);
if (inject.length > 0) {
  for (const [set, { cairn, bm25 }] of Object.entries(await runInject(inject.map(injectSet)))) {
    for (const kind of ["prompt", "bash", "edit", "all"]) {
      const c = kind === "all" ? injectTotal(cairn) : cairn[kind]!;
      const b = kind === "all" ? injectTotal(bm25) : bm25[kind]!;
      if (c.events === 0) continue;
      const ratio = (n: number, d: number) => (d === 0 ? Number.NaN : n / d);
      row(set, `${kind} precision`, ratio(c.tp, c.tp + c.fp), ratio(b.tp, b.tp + b.fp));
      row(set, `${kind} recall`, ratio(c.tp, c.tp + c.fn), ratio(b.tp, b.tp + b.fn));
      row(set, `${kind} silence`, ratio(c.silent, c.empty), ratio(b.silent, b.empty));
    }
  }
}

const pairs = sets("pairs", data("pairs", "jsonl"), values.pairs!);
if (pairs.length > 0) {
  for (const [set, r] of Object.entries(runPairs(pairs))) {
    for (const k of ["flag_precision", "flag_recall", "additions_flagged", "duplicate_precision", "duplicate_recall"]) {
      row(set, k.replace("_", " "), (r[k] as number | null) ?? Number.NaN, null);
    }
  }
}

if (values.locomo) {
  const run = await runLocomo({
    data: values["locomo-data"]!,
    mode,
    bm25: true,
    ...(values.conversations ? { conversations: values.conversations.split(",").map(Number) } : {}),
    ...(values["embed-cache"] ? { embedCache: values["embed-cache"] } : {}),
  });
  const cairn = locomoByCategory(run.scores);
  const bm25 = locomoByCategory(run.bm25Scores);
  for (const cat of ["overall", ...Object.keys(cairn).filter((c) => c !== "overall")]) {
    row("locomo", `${cat} R@10`, cairn[cat]!.turn[10]!, bm25[cat]!.turn[10]!);
  }
  row("locomo", "overall R@5", cairn.overall!.turn[5]!, bm25.overall!.turn[5]!);
  row("locomo", "MRR", cairn.overall!.mrr, bm25.overall!.mrr);
}

if (values.json) {
  process.stdout.write(`${JSON.stringify({ mode, rows })}\n`);
} else {
  const f = (x: number | null) => (x === null || !Number.isFinite(x) ? "  -  " : x.toFixed(3));
  const delta = (r: Row) => (r.bm25 === null || !Number.isFinite(r.bm25) || !Number.isFinite(r.cairn) ? "" : `${r.cairn >= r.bm25 ? "+" : ""}${(100 * (r.cairn - r.bm25)).toFixed(1)}`);
  const out = [`relevance — mode ${mode}; Δ = cairn − BM25 in points`, `${"set".padEnd(18)}${"measure".padEnd(30)}${"cairn".padStart(7)}${"bm25".padStart(8)}${"Δ".padStart(8)}`];
  let last = "";
  for (const r of rows) {
    if (r.set !== last && last !== "") out.push("");
    last = r.set;
    out.push(`${r.set.padEnd(18)}${r.measure.padEnd(30)}${f(r.cairn).padStart(7)}${f(r.bm25).padStart(8)}${delta(r).padStart(8)}`);
  }
  out.push("(inject bm25 = its best 3 memories for every event; pairs have no baseline; *-a sets were fitted on)");
  process.stdout.write(`${out.join("\n")}\n`);
}
