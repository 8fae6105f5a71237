/**
 * @module Tuning the IVF index by measurement: a bare store (as bench/vector-index-bare.ts: rows and vectors
 * only) of `--size` vectors — distractors mixed from LoCoMo turn vectors plus noise, and LoCoMo's turns
 * themselves — indexed with each `--lists` count, then per probe share: dense-only LoCoMo R@10 (the ten
 * best turns of the question's conversation, as bench/vector-index.ts) against exact search, and the time
 * to rank one query (p50/p95 of in-process searches, the file in the page cache, as in `cairn mcp`).
 * Exact search scores every turn of the question's conversation (distractors never count toward R@10). Vectors are synthetic apart from LoCoMo's.
 * Run: `node scripts/bun.mjs run bench/ivf-tune.ts --embed-cache /tmp/locomo-vecs.json [--size 1000000]
 * [--lists 1000,2048] [--shares 0.02,0.05,0.1,0.2] [--every 3] [--keep /tmp/dir]`
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildIndexBytes, withFastAssign } from "../src/retrieve/index-build.ts";
import { FileIndex } from "../src/retrieve/file-index.ts";
import { dotRow } from "../src/retrieve/vector-rank.ts";
import { indexPath } from "../src/store/vector-file.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { loadLocomo, turnContent } from "./locomo/dataset.ts";
import { blendedVectors, insertBareMemories } from "./bare-vectors.ts";
import { Rng } from "./rng.ts";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "1000000" },
    lists: { type: "string", default: "1000" },
    shares: { type: "string", default: "0.02,0.05,0.1,0.2" },
    every: { type: "string", default: "3" },
    "embed-cache": { type: "string" },
    data: { type: "string", default: "../shared/data/locomo/locomo10.json" },
    keep: { type: "string" },
  },
});
const DIMS = 512;
const MODEL = "use-lite";
const log = (m: string) => process.stderr.write(`ivf-tune: ${m}\n`);
if (!values["embed-cache"]) throw new Error("--embed-cache is required (LoCoMo vectors from bench:locomo)");

const { entries } = JSON.parse(readFileSync(values["embed-cache"], "utf8")) as { entries: Array<[string, string]> };
const cache = new Map(entries.map(([k, b64]) => [k, new Float32Array(new Uint8Array(Buffer.from(b64, "base64")).buffer)]));
const get = (kind: string, text: string) => cache.get(`${kind}\u0000${text}`) ?? cache.get(`${kind}\u0000${text.trim()}`);
const convs = loadLocomo(values.data!);
const turns = convs.flatMap((c) => c.turns.map((t) => ({ conv: c.id, dia: t.diaId, v: get("document", turnContent(t)) }))).filter((t) => t.v);
const questions = convs.flatMap((c) => c.questions.map((q) => ({ conv: c.id, evidence: q.evidence, v: get("query", q.question) }))).filter((q) => q.v && q.evidence.length > 0);
const docs = turns.map((t) => t.v!);

const n = Number(values.size);
const dir = values.keep ?? mkdtempSync(join(tmpdir(), "cairn-ivft-"));
const db = join(dir, "cairn.db");
// The LoCoMo turns take the last seqs: seq n - turns.length + 1 + i is turn i.
const firstTurn = n - turns.length + 1;
if (!existsSync(join(dir, "done"))) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = new SqliteStore(db);
  const raw = store.database;
  const rng = new Rng(7);
  const distractor = blendedVectors(rng, DIMS, docs);
  const t0 = performance.now();
  for (let done = 0; done < n; done += 10_000) {
    const m = Math.min(10_000, n - done);
    insertBareMemories(raw, done, m);
    const rows = Array.from({ length: m }, (_, j) => {
      const seq = done + j + 1;
      return { seq, contentHash: `h${done + j}`, vector: seq >= firstTurn ? docs[seq - firstTurn]! : distractor() };
    });
    store.vectors.put(MODEL, DIMS, rows, 1);
    if ((done + m) % 100_000 === 0) log(`${done + m}/${n} rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  raw.run("PRAGMA wal_checkpoint(TRUNCATE)");
  store.close();
  writeFileSync(join(dir, "done"), "");
}

const store = new SqliteStore(db);
const turnOf = (seq: number) => (seq >= firstTurn ? seq - firstTurn : -1);
const sample = questions.filter((_, i) => i % Number(values.every) === 0);

/** Dense-only R@10 over the sampled questions, ranking deeper (as recall does when filters reject rows) until 10 turns of the conversation are found. */
function r10(index: FileIndex): number {
  let sum = 0;
  for (const q of sample) {
    let want = 20;
    let found: string[] = [];
    for (;;) {
      const r = index.rank(q.v!, want);
      found = [];
      for (const row of r.rows) {
        const t = turnOf(r.seqs[row]!);
        if (t >= 0 && turns[t]!.conv === q.conv) found.push(turns[t]!.dia);
        if (found.length === 10) break;
      }
      if (found.length === 10 || r.complete || want > n) break;
      want *= 4;
    }
    sum += q.evidence.filter((e) => found.includes(e)).length / q.evidence.length;
  }
  return (100 * sum) / sample.length;
}

/** Exact R@10: the question's conversation's turns only (distractors never count), every one scored. */
function exactR10(): number {
  const seqs = turns.map((_, i) => firstTurn + i);
  const vec = new Map(store.vectors.readSeqs(MODEL, DIMS, seqs).map((v) => [v.seq, v.vector]));
  let sum = 0;
  for (const q of sample) {
    const scored = seqs.filter((s) => turns[turnOf(s)]!.conv === q.conv).map((s) => ({ s, v: dotRow(vec.get(s)!, 0, DIMS, q.v!) }));
    scored.sort((a, b) => b.v - a.v || a.s - b.s);
    const found = scored.slice(0, 10).map((x) => turns[turnOf(x.s)]!.dia);
    sum += q.evidence.filter((e) => found.includes(e)).length / q.evidence.length;
  }
  return (100 * sum) / sample.length;
}

function timing(index: FileIndex): { p50: number; p95: number } {
  const rng = new Rng(5);
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    const q = questions[Math.floor(rng.next() * questions.length)]!.v!;
    const s = performance.now();
    index.rank(q, 20);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return { p50: Math.round(times[20]! * 10) / 10, p95: Math.round(times[37]! * 10) / 10 };
}

const out: string[] = [];
let exact: number | null = null;
for (const lists of values.lists!.split(",").map(Number)) {
  const path = join(dir, `l${lists}`, `vectors-${MODEL}-${DIMS}.idx`);
  if (!existsSync(path)) {
    mkdirSync(join(dir, `l${lists}`), { recursive: true });
    const t0 = performance.now();
    const built = await withFastAssign((assign) => buildIndexBytes(store.vectors, MODEL, DIMS, { lists, assign }));
    await Bun.write(path, built.bytes);
    log(`${lists} lists built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const open = (probeShare: number) => FileIndex.open(indexPath(join(dir, `l${lists}`), MODEL, DIMS), store.vectors, MODEL, DIMS, { probeShare })!;
  if (exact === null) {
    const t0 = performance.now();
    exact = exactR10();
    log(`exact R@10 ${exact.toFixed(1)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  for (const share of values.shares!.split(",").map(Number)) {
    const index = open(share);
    const t = timing(index);
    const line = `${n} vectors, ${lists} lists, probe ${share}: LoCoMo dense R@10 ${r10(index).toFixed(1)} (exact ${exact.toFixed(1)}), rank p50 ${t.p50} ms p95 ${t.p95} ms`;
    log(line);
    out.push(line);
  }
}
console.log(out.join("\n"));
store.close();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
