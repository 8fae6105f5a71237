/**
 * @module The vector index at sizes where building a realistic store takes too long here (1M): memories are
 * bare rows (short content, no FTS, no audit), vectors written straight into the database (LoCoMo mixes
 * with `--embed-cache`, else random unit vectors). Prints the database's vector bytes, the index build time
 * and file size, and in a fresh process (the file in the page cache, as after the writer): opening the
 * file and ranking 20 queries — the vector part of a cold `cairn recall`, model load excluded.
 * Run: `node scripts/bun.mjs run bench/vector-index-bare.ts [--size 1000000] [--embed-cache …] [--keep /tmp/x]`
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { withFastAssign, writeIndex } from "../src/retrieve/index-build.ts";
import { FileIndex } from "../src/retrieve/file-index.ts";
import { indexPath } from "../src/store/vector-file.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { blendedVectors, insertBareMemories } from "./bare-vectors.ts";
import { Rng } from "./rng.ts";

const { values } = parseArgs({
  options: { size: { type: "string", default: "1000000" }, "embed-cache": { type: "string" }, keep: { type: "string" }, probe: { type: "boolean" } },
});
const DIMS = 512;
const MODEL = "use-lite";
const dir = values.keep ?? mkdtempSync(join(tmpdir(), "cairn-vixb-"));
const log = (m: string) => process.stderr.write(`vector-index-bare: ${m}\n`);

if (values.probe) {
  // The fresh process: open the mapped file and rank, timed.
  const t0 = performance.now();
  const store = new SqliteStore(join(dir, "cairn.db"));
  const t1 = performance.now();
  const index = FileIndex.open(indexPath(dir, MODEL, DIMS), store.vectors, MODEL, DIMS)!;
  const t2 = performance.now();
  const rng = new Rng(5);
  const q = () => {
    const v = Float32Array.from({ length: DIMS }, () => rng.next() - 0.5);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const first = q();
  index.rank(first, 100);
  const t3 = performance.now();
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    index.rank(q(), 100);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const rss = /^VmHWM:\s+(\d+)/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  console.log(JSON.stringify({ openDb: t1 - t0, openIndex: t2 - t1, firstRank: t3 - t2, rankP50: times[10], lists: index.lists, size: index.size, peakRssMb: Math.round(Number(rss) / 1024) }));
  process.exit(0);
}

const n = Number(values.size);
const db = join(dir, "cairn.db");
if (!existsSync(db)) {
  mkdirSync(dir, { recursive: true });
  const store = new SqliteStore(db);
  const raw = store.database;
  const rng = new Rng(7);
  let docs: Float32Array[] = [];
  if (values["embed-cache"]) {
    const { entries } = JSON.parse(readFileSync(values["embed-cache"], "utf8")) as { entries: Array<[string, string]> };
    docs = entries.filter(([k]) => k.startsWith("document")).map(([, b]) => new Float32Array(new Uint8Array(Buffer.from(b, "base64")).buffer));
  }
  const vec = blendedVectors(rng, DIMS, docs);
  const t0 = performance.now();
  for (let done = 0; done < n; done += 10_000) {
    const m = Math.min(10_000, n - done);
    insertBareMemories(raw, done, m);
    store.vectors.put(MODEL, DIMS, Array.from({ length: m }, (_, j) => ({ seq: done + j + 1, contentHash: `h${done + j}`, vector: vec() })), 1);
    if ((done + m) % 100_000 === 0) log(`${done + m}/${n} rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  raw.run("PRAGMA wal_checkpoint(TRUNCATE)");
  store.close();
}
const store = new SqliteStore(db);
let vectorBytes: number | null = null;
try {
  vectorBytes = (store.database.query("SELECT sum(pgsize) AS b FROM dbstat WHERE name IN ('vectors', 'vectors_model', 'sqlite_autoindex_vectors_1')").get() as { b: number }).b;
} catch {
  // dbstat is not compiled into every SQLite
}
const t0 = performance.now();
const built = await withFastAssign((assign) => writeIndex(dir, store.vectors, MODEL, DIMS, assign));
const buildS = (performance.now() - t0) / 1000;
store.close();
const fileBytes = statSync(indexPath(dir, MODEL, DIMS)).size;
log(`index: ${built.count} vectors, ${built.lists} lists, ${buildS.toFixed(1)} s, ${(fileBytes / built.count).toFixed(0)} B/vector`);
const runs: string[] = [];
for (let i = 0; i < 3; i++) {
  const r = Bun.spawnSync([process.execPath, "run", import.meta.path, "--probe", "--keep", dir, "--size", String(n)]);
  runs.push(r.stdout.toString().trim());
}
console.log(JSON.stringify({ size: n, vectorTableBytesPerMemory: vectorBytes === null ? null : Math.round(vectorBytes / n), indexBytesPerVector: Math.round(fileBytes / built.count), lists: built.lists, buildSeconds: Math.round(buildS * 10) / 10 }));
for (const r of runs) console.log(r);
if (!values.keep) rmSync(dir, { recursive: true, force: true });
