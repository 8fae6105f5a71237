/**
 * @module The vector index file at scale: builds synthetic stores (generated ~200-char memories, vectors
 * written straight into the database, never embedded) and prints, per size: bytes per memory after VACUUM,
 * the index build time and file size, cold one-shot `dist/cairn recall --mode hybrid` wall time and peak RSS
 * with the index file (nothing else running; and with the warm hook daemon embedding the query) and without
 * it (every vector loaded, as before), and approximate (IVF) vs exact
 * recall@10 agreement. With `--embed-cache` (LoCoMo vectors from bench:locomo), the distractors are mixes of
 * LoCoMo turn vectors plus noise (in the same region of space as real text) and LoCoMo's 5,882 turns are
 * mixed in: dense-only R@10 of their questions is printed for the approximate index vs exact search.
 * Run (build first): `node scripts/bun.mjs run bench/vector-index.ts [--sizes 10000,100000] [--runs 5]
 * [--embed-cache /tmp/locomo-vecs.json --data ../shared/data/locomo/locomo10.json] [--keep /tmp/dir]` (`--keep`
 * keeps the stores and reuses them on the next run)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Engine } from "../src/engine/engine.ts";
import { buildIndexBytes, withFastAssign, writeIndex } from "../src/retrieve/index-build.ts";
import { FileIndex } from "../src/retrieve/file-index.ts";
import { indexPath } from "../src/store/vector-file.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { generateMemories, toJsonl } from "./corpus.ts";
import { loadLocomo, turnContent } from "./locomo/dataset.ts";
import { Rng } from "./rng.ts";
import { hashText, type StoredHash } from "../src/store/stored-hash.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000" },
    runs: { type: "string", default: "5" },
    "embed-cache": { type: "string" },
    data: { type: "string", default: "../shared/data/locomo/locomo10.json" },
    keep: { type: "string" },
    queries: { type: "string", default: "200" },
    /** Every n-th LoCoMo question (exact search over 100k+ vectors in JS costs ~0.1 s per question). */
    every: { type: "string", default: "3" },
  },
});
const DIMS = 512;
const MODEL = "use-lite";
const BIN = join(import.meta.dir, "..", "dist", "cairn");
const log = (m: string) => process.stderr.write(`vector-index: ${m}\n`);

function unit(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  for (let k = 0; k < v.length; k++) v[k]! *= inv;
  return v;
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** LoCoMo turns and questions with their cached USE-lite vectors (null without --embed-cache). */
function locomoVectors() {
  const path = values["embed-cache"];
  if (!path) return null;
  const { entries } = JSON.parse(readFileSync(path, "utf8")) as { entries: Array<[string, string]> };
  const cache = new Map(entries.map(([k, b64]) => [k, new Float32Array(new Uint8Array(Buffer.from(b64, "base64")).buffer)]));
  // Stored contents are normalised (trailing space trimmed) before embedding: look both up.
  const get = (kind: string, text: string) => cache.get(`${kind}\u0000${text}`) ?? cache.get(`${kind}\u0000${text.trim()}`);
  const convs = loadLocomo(values.data!);
  const turns = convs.flatMap((c) => c.turns.map((t) => ({ conv: c.id, dia: t.diaId, text: turnContent(t), v: get("document", turnContent(t)) }))).filter((t) => t.v);
  const questions = convs.flatMap((c) => c.questions.map((q) => ({ conv: c.id, text: q.question, evidence: q.evidence, v: get("query", q.question) }))).filter((q) => q.v);
  if (turns.length === 0) throw new Error(`${path} holds no LoCoMo vectors: run bench:locomo with --embed-cache first`);
  return { turns, docs: turns.map((t) => t.v!), questions, qv: questions.map((q) => q.v!) };
}

type Loco = NonNullable<ReturnType<typeof locomoVectors>>;

/** A distractor: two LoCoMo turns mixed with noise (realistic region of space), or a random unit vector. */
function distractor(rng: Rng, loco: Loco | null): Float32Array {
  const v = new Float32Array(DIMS);
  if (loco) {
    const a = loco.docs[Math.floor(rng.next() * loco.docs.length)]!;
    const b = loco.docs[Math.floor(rng.next() * loco.docs.length)]!;
    const w = rng.next();
    for (let k = 0; k < DIMS; k++) v[k] = w * a[k]! + (1 - w) * b[k]! + 0.05 * gaussian(rng);
  } else for (let k = 0; k < DIMS; k++) v[k] = gaussian(rng);
  return unit(v);
}

/** A store of `n` memories (the LoCoMo turns among them), every one with a vector; returns seq → turn. */
async function buildStore(home: string, n: number, loco: Loco | null) {
  const db = join(home, "cairn.db");
  const map = join(home, "turns.json");
  if (existsSync(map)) {
    // --keep: reuse the store built by an earlier run (same size and seed).
    const engine = new Engine({ store: new SqliteStore(db), project: join(home, "project"), actor: "bench" });
    const store = engine.store as SqliteStore;
    const turnOf = new Map<number, number>(JSON.parse(readFileSync(map, "utf8")));
    const memories = (store.database.query("SELECT count(*) AS n FROM memories").get() as { n: number }).n;
    return { engine, store, db, turnOf, memories };
  }
  const engine = new Engine({ store: new SqliteStore(db), project: join(home, "project"), actor: "bench" });
  const store = engine.store as SqliteStore;
  const rng = new Rng(7);
  const loc = loco ? loco.turns.length : 0;
  const chunk = 50_000;
  for (let done = 0; done < n - loc; done += chunk) {
    await engine.import(toJsonl(generateMemories(Math.min(chunk, n - loc - done), 11 + done)));
    log(`${n}: imported ${Math.min(n - loc, done + chunk)} memories`);
  }
  const turnOf = new Map<number, number>();
  if (loco) {
    const first = (store.database.query("SELECT coalesce(max(seq), 0) AS m FROM memories").get() as { m: number }).m;
    await engine.import(loco.turns.map((t) => JSON.stringify({ content: t.text, type: "note", tags: [t.conv] })).join("\n"));
    const rows = store.database.query("SELECT seq, content FROM memories WHERE seq > ?").all(first) as Array<{ seq: number; content: string }>;
    const byText = new Map(loco.turns.map((t, i) => [t.text, i]));
    for (const r of rows) if (byText.has(r.content)) turnOf.set(r.seq, byText.get(r.content)!);
  }
  const all = store.database.query("SELECT seq, content_hash FROM memories").all() as Array<{ seq: number; content_hash: StoredHash }>;
  for (let i = 0; i < all.length; i += 5000) {
    const rows = all.slice(i, i + 5000).map((r) => ({ seq: r.seq, contentHash: hashText(r.content_hash)!, vector: turnOf.has(r.seq) ? loco!.docs[turnOf.get(r.seq)!]! : distractor(rng, loco) }));
    store.vectors.put(MODEL, DIMS, rows, Date.now());
  }
  store.database.run("PRAGMA wal_checkpoint(TRUNCATE)");
  store.database.run("VACUUM");
  store.database.run("PRAGMA wal_checkpoint(TRUNCATE)");
  writeFileSync(map, JSON.stringify([...turnOf]));
  return { engine, store, db, turnOf, memories: all.length };
}

/** Median wall and CPU (user + sys) ms and max peak RSS (MB) of `runs` cold `cairn recall --mode hybrid`, run in the memories' project. */
function coldRecall(home: string, runs: number, daemon = "off"): { ms: number; cpuMs: number; rssMb: number } {
  const times: number[] = [];
  const cpu: number[] = [];
  let rss = 0;
  const queries = ["database connection pool timeout", "why did we pick postgres", "hiking with the kids last summer", "retry logic in the payment service", "what did Caroline paint"];
  for (let i = 0; i < runs; i++) {
    const r = Bun.spawnSync(["/usr/bin/time", "-f", "%e %U %S %M", BIN, "recall", queries[i % queries.length]!, "--mode", "hybrid", "--json"], {
      env: { ...process.env, CAIRN_HOME: home, CAIRN_EMBED_WORKER: "off", CAIRN_HOOK_DAEMON: daemon },
      cwd: join(home, "project"),
    });
    const [secs, user, sys, kb] = r.stderr.toString().trim().split("\n").at(-1)!.split(" ").map(Number);
    if (r.exitCode !== 0) log(`recall exited ${r.exitCode}: ${r.stderr.toString().slice(0, 300)}`);
    times.push(secs! * 1000);
    cpu.push((user! + sys!) * 1000);
    rss = Math.max(rss, kb! / 1024);
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return { ms: median(times), cpuMs: median(cpu), rssMb: Math.round(rss) };
}

/** Top-10 agreement of the approximate index with exact search, over queries near stored vectors. */
function agreement(index: FileIndex, exact: FileIndex, queries: Float32Array[]): number {
  let hit = 0;
  for (const q of queries) {
    const a = index.rank(q, 10);
    const e = exact.rank(q, 10);
    const got = new Set(a.rows.map((r) => a.seqs[r]));
    for (const r of e.rows) if (got.has(e.seqs[r])) hit++;
  }
  return hit / (10 * queries.length);
}

/** Dense-only R@10 of LoCoMo questions: the ten best of the question's conversation, ranked by `index`. */
function locomoR10(index: FileIndex, loco: Loco, turnOf: Map<number, number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < loco.questions.length; i += Number(values.every)) {
    const q = loco.questions[i]!;
    if (q.evidence.length === 0) continue;
    // One deep ranking per question (the distractors come from every conversation), deeper only if needed.
    let want = 2000;
    let found: string[] = [];
    for (;;) {
      const r = index.rank(loco.qv[i]!, want);
      found = [];
      for (const row of r.rows) {
        const t = turnOf.get(r.seqs[row]!);
        if (t !== undefined && loco.turns[t]!.conv === q.conv) found.push(loco.turns[t]!.dia);
        if (found.length === 10) break;
      }
      if (found.length === 10 || r.complete || want > 1_000_000) break;
      want *= 4;
    }
    sum += q.evidence.filter((e) => found.includes(e)).length / q.evidence.length;
    n++;
  }
  return (100 * sum) / n;
}

const loco = locomoVectors();
const root = values.keep ?? mkdtempSync(join(tmpdir(), "cairn-vix-"));
const lines: string[] = [];
for (const size of values.sizes!.split(",").map(Number)) {
  const home = join(root, `s${size}`);
  if (!existsSync(join(home, "turns.json"))) rmSync(home, { recursive: true, force: true });
  mkdirSync(join(home, "project"), { recursive: true });
  rmSync(join(home, "exact"), { recursive: true, force: true });
  const t0 = performance.now();
  const { engine, store, db, turnOf, memories } = await buildStore(home, size, loco);
  log(`${size}: built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const dbBytes = statSync(db).size;
  const t1 = performance.now();
  const built = await withFastAssign((assign) => writeIndex(home, store.vectors, MODEL, DIMS, assign));
  const buildS = (performance.now() - t1) / 1000;
  const fileBytes = statSync(indexPath(home, MODEL, DIMS)).size;
  const index = FileIndex.open(indexPath(home, MODEL, DIMS), store.vectors, MODEL, DIMS)!;
  // The exact reference: the same vectors in a one-list file.
  const exactDir = join(home, "exact");
  mkdirSync(exactDir);
  const flat = await exactIndex(store, exactDir);
  const rng = new Rng(3);
  const queries = Array.from({ length: Number(values.queries) }, () => distractor(rng, loco));
  log(`${size}: index ${built.lists} lists in ${buildS.toFixed(1)} s; comparing with exact search`);
  const agree = agreement(index, flat, queries);
  const r10 = loco ? { approx: locomoR10(index, loco, turnOf), exact: locomoR10(flat, loco, turnOf) } : null;
  engine.close();
  log(`${size}: cold recalls`);
  const withIndex = coldRecall(home, Number(values.runs));
  const warm = await withDaemon(home, () => coldRecall(home, Number(values.runs), "on"));
  rmSync(indexPath(home, MODEL, DIMS));
  const without = coldRecall(home, Math.min(3, Number(values.runs)));
  lines.push(
    `${String(memories).padStart(8)}  ${(dbBytes / memories).toFixed(0).padStart(6)} B/mem  index ${(fileBytes / memories).toFixed(0)} B/mem, ${built.lists} lists, built in ${buildS.toFixed(1)} s  ` +
      `cold hybrid (wall/cpu/peak RSS): ${withIndex.ms.toFixed(0)}/${withIndex.cpuMs.toFixed(0)} ms ${withIndex.rssMb} MB with index, ${warm.ms.toFixed(0)}/${warm.cpuMs.toFixed(0)} ms ${warm.rssMb} MB with index and the hook daemon warm, ${without.ms.toFixed(0)}/${without.cpuMs.toFixed(0)} ms ${without.rssMb} MB without  ` +
      `IVF@10 vs exact ${(agree * 100).toFixed(1)}%${r10 ? `  LoCoMo dense R@10 approx ${r10.approx.toFixed(1)} exact ${r10.exact.toFixed(1)}` : ""}`,
  );
  log(lines.at(-1)!);
}
console.log(lines.join("\n"));
if (!values.keep) rmSync(root, { recursive: true, force: true });

/** Runs `fn` while a hook daemon serves `home` (after one recall, so it has loaded the model). */
async function withDaemon<T>(home: string, fn: () => T): Promise<T> {
  const env = { ...process.env, CAIRN_HOME: home, CAIRN_EMBED_WORKER: "off" };
  const daemon = Bun.spawn([BIN, "hook", "--serve"], { env, stdio: ["ignore", "ignore", "ignore"] });
  try {
    const until = Date.now() + 20_000;
    while (!existsSync(join(home, "hookd.sock")) && Date.now() < until) await Bun.sleep(25);
    coldRecall(home, 1, "on");
    return fn();
  } finally {
    daemon.kill();
    await daemon.exited;
  }
}

/** A one-list (exact) index file over the same store, written to `dir`. */
async function exactIndex(store: SqliteStore, dir: string): Promise<FileIndex> {
  const { bytes } = await buildIndexBytes(store.vectors, MODEL, DIMS, { lists: 1 });
  await Bun.write(indexPath(dir, MODEL, DIMS), bytes);
  return FileIndex.open(indexPath(dir, MODEL, DIMS), store.vectors, MODEL, DIMS)!;
}
