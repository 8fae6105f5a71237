/**
 * @module The vector index file: built and used by searches, caught up exactly after another connection's
 * writes, ignored and rebuilt when damaged or foreign, emptied of a purged memory's vector, and its IVF
 * lists close to exact search on a generated store (fixed seed).
 */
import { afterEach, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { buildIndexBytes, indexStatus, refreshIndex, withFastAssign, writeIndex } from "../../src/retrieve/index-build.ts";
import { FINE_FROM, IVF_FROM, jsAssign, listsFor, probeShareFor } from "../../src/retrieve/ivf.ts";
import { FileIndex } from "../../src/retrieve/file-index.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import { VectorScan } from "../../src/retrieve/vector-scan.ts";
import { VectorIndex } from "../../src/retrieve/vector-index.ts";
import { packVector } from "../../src/store/vector-codec.ts";
import { signBytes } from "../../src/store/vector-signs.ts";
import { fileSections, indexPath, readIndexFile, writeIndexFile } from "../../src/store/vector-file.ts";
import { readSealedIndexFile, storeIndexBytes } from "../../src/store/sealed-vector-file.ts";
import { AeadCodec } from "../../src/store/aead-codec.ts";
import { PLAIN_CODEC } from "../../src/store/content-codec.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { vectorPlace } from "../../src/store/vectors.ts";
import type { ProjectScope } from "../../src/store/filter-sql.ts";
import { WordHashEmbedder } from "../helpers/fake-embedder.ts";
import { encryptedOptions } from "../helpers/engine.ts";
import { rng } from "../helpers/rng.ts";
import { clusteredPoints, writePoints } from "../helpers/clustered.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "cairn-vix-"));
  dirs.push(d);
  return d;
}

const WORDS = "cache deploy index vector query token branch merge build test schema lock retry pool".split(" ");
function text(r: () => number, i: number): string {
  return `${Array.from({ length: 5 }, () => WORDS[Math.floor(r() * WORDS.length)]).join(" ")} item${i}`;
}

const embedder = new WordHashEmbedder("fake", 64);
const ALL = { scope: { projects: ["/p"], includeGlobal: true } };

/** A store in `dir` with `n` embedded memories (encrypted at rest when asked). */
async function seeded(dir: string, n: number, encrypted = false) {
  const file = join(dir, "cairn.db");
  const store = new SqliteStore(file, encrypted ? encryptedOptions(undefined, file) : {});
  const engine = new Engine({ store, project: "/p" });
  const r = rng(5);
  const ids = Array.from({ length: n }, (_, i) => engine.remember({ content: text(r, i) }).id);
  const pending = store.vectors.pending("fake", n).rows;
  const vs = await embedder.embed(pending.map((p) => p.content), "document");
  store.vectors.put("fake", 64, pending.map((p, i) => ({ seq: p.seq, contentHash: p.contentHash, vector: vs[i]! })), Date.now());
  return { store, engine, ids };
}

/** Exact ranking straight from the database rows: [seq, score] best first, ties by seq. */
function exact(store: SqliteStore, q: Float32Array, k: number): number[] {
  const rows = store.vectors.read("fake", 64).map((v) => {
    let s = 0;
    for (let i = 0; i < 64; i++) s += v.vector[i]! * q[i]!;
    return [v.seq, Math.fround(s)] as const;
  });
  rows.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return rows.slice(0, k).map((r) => r[0]);
}

function mapped(dir: string, store: SqliteStore): FileIndex | null {
  return FileIndex.open(indexPath(dir, "fake", 64), store.vectors, "fake", 64);
}

/** The file with every row it reads scored exactly (the word-hash vectors' signs are poor: counts are never negative). */
function mappedAll(dir: string, store: SqliteStore): FileIndex | null {
  return FileIndex.open(indexPath(dir, "fake", 64), store.vectors, "fake", 64, { rescoreMin: Number.POSITIVE_INFINITY });
}

function top(index: FileIndex, q: Float32Array, k: number, scope?: ProjectScope): number[] {
  const r = index.rank(q, k, scope);
  return r.rows.map((row) => r.seqs[row]!);
}

/** A seeded store of `n` memories with its index file written. */
async function indexed(n: number): Promise<{ store: SqliteStore; path: string }> {
  const dir = tempDir();
  const { store } = await seeded(dir, n);
  await writeIndex(dir, store.vectors, "fake", 64);
  return { store, path: indexPath(dir, "fake", 64) };
}

/** The ranking as [seq, score] pairs, best first. */
function ranked(index: FileIndex, q: Float32Array, k: number): Array<[number | undefined, number | undefined]> {
  const got = index.rank(q, k);
  return got.rows.map((row, i) => [got.seqs[row], got.scores[i]]);
}

async function query(t: string): Promise<Float32Array> {
  return (await embedder.embed([t], "query"))[0]!;
}

test("a written index is opened and used: its signs pick the rows, the database's vectors score them, nothing is loaded", async () => {
  const dir = tempDir();
  const { store } = await seeded(dir, 120);
  expect(mapped(dir, store)).toBeNull(); // no file yet
  const w = await writeIndex(dir, store.vectors, "fake", 64);
  expect(w).toMatchObject({ written: true, count: 120, lists: 1 });
  expect(readFileSync(indexPath(dir, "fake", 64)).includes(Buffer.from("item1"))).toBe(false); // signs and seqs only
  const q = await query("cache deploy retry");
  const index = mapped(dir, store)!;
  expect(index.size).toBe(120);
  const want = exact(store, q, 20);
  const calls = countReads(store);
  expect(top(index, q, 20)).toEqual(want);
  // Every row was scored exactly (fewer than the rows re-scored at the least), read by seq, none loaded whole.
  expect(calls).toEqual({ loads: 0, bySeq: 120 });
  // A change the log cannot see (an UPDATE bypasses it; nothing in cairn does this): the file still picks the
  // row, and the database's vector scores it.
  const best = top(index, q, 1)[0]!;
  store.database.query("UPDATE vectors SET vector = ? WHERE memory_seq = ?").run(packVector(new Float32Array(64).fill(-0.125)), best);
  const now = top(mapped(dir, store)!, q, 120);
  expect(now[0]).not.toBe(best);
  expect(now).toEqual(exact(store, q, 120));
  store.close();
});

/** Counts `store`'s vector reads from here on: loads of every vector, and vectors read by seq. */
function countReads(store: SqliteStore): { loads: number; bySeq: number } {
  const v = store.vectors;
  const calls = { loads: 0, bySeq: 0 };
  const read = v.read.bind(v);
  const packedSeqs = v.packedSeqs.bind(v);
  v.read = (...a) => (calls.loads++, read(...a));
  v.packedSeqs = (model, dims, seqs, each) => ((calls.bySeq += seqs.length), packedSeqs(model, dims, seqs, each));
  return calls;
}

test("near-ties and exact ties are ranked by exact score, ties by seq, as the in-memory index ranks them", async () => {
  const dir = tempDir();
  const { store } = await seeded(dir, 400);
  // Rows one quantisation step apart, and identical rows (ties broken by seq): their signs tell them apart
  // little or not at all, so every row is scored exactly here (rescoreMin) and the exact ranking decides.
  const r = rng(21);
  const base = Float32Array.from({ length: 64 }, () => r() - 0.5);
  const rows = store.vectors.pending("fake", 0).rows; // nothing pending: overwrite the vectors of existing memories
  expect(rows).toEqual([]);
  const seqs = store.vectors.read("fake", 64).map((v) => v.seq);
  const vectors = seqs.map((seq, i) => {
    const v = base.slice();
    if (i % 3 === 1) v[i % 64] = v[i % 64]! + (i % 2 === 0 ? 1 : -1) / 254; // about one quantisation step
    if (i % 3 === 2) v[(i * 7) % 64] = v[(i * 7) % 64]! + (r() - 0.5) * 0.05;
    return { seq, contentHash: `h${seq}`, vector: v };
  });
  store.database.query("UPDATE memories SET content_hash = 'h' || seq").run();
  store.vectors.put("fake", 64, vectors, Date.now());
  await writeIndex(dir, store.vectors, "fake", 64);
  const file = FileIndex.open(indexPath(dir, "fake", 64), store.vectors, "fake", 64, { rescoreMin: Number.POSITIVE_INFINITY })!;
  const memory = new VectorIndex("fake", 64);
  memory.sync(store.vectors);
  let ties = 0;
  for (let i = 0; i < 6; i++) {
    const q = i === 0 ? base : Float32Array.from(base, (x) => x + (r() - 0.5) * 0.3);
    for (const k of [1, 10, 50, 399, 400]) {
      const mine = await memory.rank(q, k);
      const want = mine.rows.map((row, j): [number | undefined, number | undefined] => [mine.seqs[row], mine.scores[j]]);
      expect(ranked(file, q, k)).toEqual(want);
      ties += want.filter((w, j) => j > 0 && w[1] === want[j - 1]![1]).length;
    }
  }
  expect(ties).toBeGreaterThan(100); // the identical rows did tie
  store.close();
});

test("a stale file is caught up exactly after another connection adds, re-embeds, edits and deletes", async () => {
  const dir = tempDir();
  const { store, ids } = await seeded(dir, 200);
  await writeIndex(dir, store.vectors, "fake", 64);
  const open = mapped(dir, store)!;
  const other = new SqliteStore(join(dir, "cairn.db"));
  const engine2 = new Engine({ store: other, project: "/p" });
  const r = rng(9);
  for (let i = 0; i < 40; i++) engine2.remember({ content: text(r, 1000 + i) });
  engine2.update(ids[3]!, { content: "cache cache cache edited" });
  engine2.forget(ids[5]!, { hard: true });
  const pending = other.vectors.pending("fake", 100).rows;
  const vs = await embedder.embed(pending.map((p) => p.content), "document");
  other.vectors.put("fake", 64, pending.map((p, i) => ({ seq: p.seq, contentHash: p.contentHash, vector: vs[i]! })), Date.now());
  // The purge removed the file; write it again, then make more changes after it.
  expect(existsSync(indexPath(dir, "fake", 64))).toBe(false);
  await writeIndex(dir, other.vectors, "fake", 64);
  // Every row scored exactly: what is tested is which vector each memory has now.
  const fresh = mappedAll(dir, store)!;
  engine2.update(ids[7]!, { content: "lock lock schema edited" }); // vector deleted, not yet re-embedded
  const more = other.vectors.pending("fake", 10).rows;
  engine2.remember({ content: "pool pool retry new one" });
  const late = other.vectors.pending("fake", 10).rows;
  const lv = await embedder.embed(late.map((p) => p.content), "document");
  other.vectors.put("fake", 64, late.map((p, i) => ({ seq: p.seq, contentHash: p.contentHash, vector: lv[i]! })), Date.now());
  expect(more.length).toBe(1);
  for (const t of ["cache cache", "lock schema", "pool retry", "deploy merge build"]) {
    const q = await query(t);
    const want = exact(store, q, 30);
    expect(fresh.catchUp(store.vectors)).toBe(true);
    expect(top(fresh, q, 30)).toEqual(want);
    expect(top(mappedAll(dir, store)!, q, 30)).toEqual(want);
  }
  // The first index was opened before a writer pruned the log past it: it cannot catch up, and says so.
  expect(open.catchUp(store.vectors)).toBe(false);
  expect(indexStatus(dir, store.vectors, "fake", 64).state).toBe("fresh");
  other.close();
  store.close();
});

test("a database replaced by an older copy of itself, then written to: the file is not caught up past writes it never saw", async () => {
  const dir = tempDir();
  const { store } = await seeded(dir, 120);
  const file = join(dir, "cairn.db");
  store.database.run("PRAGMA wal_checkpoint(TRUNCATE)");
  store.close();
  copyFileSync(file, `${file}.copy`);
  /** Stores and embeds `texts` as new memories of the store at `file`. */
  const add = async (s: SqliteStore, texts: string[]) => {
    const engine = new Engine({ store: s, project: "/p" });
    for (const t of texts) engine.remember({ content: t });
    const pending = s.vectors.pending("fake", 100).rows;
    const vs = await embedder.embed(pending.map((p) => p.content), "document");
    s.vectors.put("fake", 64, pending.map((p, i) => ({ seq: p.seq, contentHash: p.contentHash, vector: vs[i]! })), Date.now());
  };
  // The lost history: three memories, embedded, then the file written with them.
  const lost = new SqliteStore(file);
  await add(lost, ["zebra zebra crossing", "zebra stripes", "zebra herd"]);
  await writeIndex(dir, lost.vectors, "fake", 64);
  const fileHead = lost.vectors.logState().head;
  lost.close();
  // The older copy comes back and gets as many writes: the log reaches the file's id again, under other stamps.
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  copyFileSync(`${file}.copy`, file);
  const back = new SqliteStore(file);
  await add(back, ["cache deploy one", "token branch two", "merge build three"]);
  expect(back.vectors.logState().head).toBe(fileHead);
  const q = await query("zebra stripes herd");
  expect(mapped(dir, back)).toBeNull();
  expect(indexStatus(dir, back.vectors, "fake", 64).state).toBe("stale");
  await add(back, ["pool lock four"]);
  expect(mapped(dir, back)).toBeNull();
  // Rebuilt, the file is this history's.
  expect(await refreshIndex(dir, back.vectors, "fake", 64)).toBe(true);
  expect(top(mapped(dir, back)!, q, 10)).toEqual(exact(back, q, 10));
  back.close();
});

test("a search leaves other projects' rows out by their codes before scoring exactly: the same ranking within the scope, a fraction of the reads", async () => {
  const dir = tempDir();
  const { store } = await seeded(dir, 300);
  const other = new Engine({ store, project: "/other" });
  const r = rng(8);
  const others = Array.from({ length: 900 }, (_, i) => other.remember({ content: text(r, 5000 + i) }).id);
  const pending = store.vectors.pending("fake", 1000).rows;
  const vs = await embedder.embed(pending.map((p) => p.content), "document");
  store.vectors.put("fake", 64, pending.map((p, i) => ({ seq: p.seq, contentHash: p.contentHash, vector: vs[i]! })), Date.now());
  await writeIndex(dir, store.vectors, "fake", 64);
  const scope = store.vectors.projectScope(ALL);
  const seqOf = (id: string) => (store.database.query("SELECT seq FROM memories WHERE id = ?").get(id) as { seq: number }).seq;
  const outside = new Set(others.map(seqOf));
  const q = await query("cache deploy retry");
  // Exact over the scope's rows only, [seq, score] best first.
  const inScope = () => exact(store, q, 2000).filter((seq) => !outside.has(seq));
  const want = inScope().slice(0, 30);
  const calls = countReads(store);
  const got = top(mappedAll(dir, store)!, q, 30, scope);
  expect(calls.bySeq).toBe(300);
  expect(got).toEqual(want);
  expect(top(mappedAll(dir, store)!, q, 30)).not.toEqual(want); // without the scope, other projects' rows come in
  // Moved into the project after the file was written (its code there says /other): found all the same.
  const moved = others.map((id) => [id, seqOf(id)] as const).find(([, seq]) => exact(store, q, 2000).indexOf(seq) < 20)!;
  store.database.query("UPDATE memories SET project = '/p' WHERE id = ?").run(moved[0]);
  outside.delete(moved[1]);
  expect(top(mappedAll(dir, store)!, q, 30, scope)).toEqual(inScope().slice(0, 30));
  expect(top(mappedAll(dir, store)!, q, 30, scope)).toContain(moved[1]);
  // A memory written after the file is not left out.
  new Engine({ store, project: "/p" }).remember({ content: "cache deploy retry, written later" });
  const [late] = store.vectors.pending("fake", 10).rows;
  store.vectors.put("fake", 64, [{ seq: late!.seq, contentHash: late!.contentHash, vector: q }], Date.now());
  expect(top(mappedAll(dir, store)!, q, 1, scope)).toEqual([late!.seq]);
  // Only the other project (and no global memories): the /p rows are left out.
  const elsewhere = top(mappedAll(dir, store)!, q, 50, store.vectors.projectScope({ scope: { projects: ["/other"], includeGlobal: false } }));
  expect(elsewhere.length).toBeGreaterThan(0);
  for (const seq of elsewhere) expect(outside.has(seq) || seq === moved[1] || seq === late!.seq).toBe(true);
  store.close();
});

test("a damaged, truncated or foreign file is never used; the channel answers from the database and it is rebuilt", async () => {
  const dir = tempDir();
  const { store, engine } = await seeded(dir, 150);
  const path = indexPath(dir, "fake", 64);
  await writeIndex(dir, store.vectors, "fake", 64);
  const good = readFileSync(path);
  const q = await query("merge build token");
  const want = exact(store, q, 10);

  const damage = (bytes: Buffer) => {
    rmSync(path, { force: true });
    writeFileSync(path, bytes);
  };
  const header = Buffer.from(good);
  header[70] = header[70]! ^ 0xff; // a seq
  damage(header);
  expect(mapped(dir, store)).toBeNull();
  expect(indexStatus(dir, store.vectors, "fake", 64).state).toBe("damaged");
  damage(good.subarray(0, good.length - 10));
  expect(mapped(dir, store)).toBeNull();
  const body = Buffer.from(good);
  body[body.length - 3] = body[body.length - 3]! ^ 0x55; // a vector byte: caught by its list's checksum
  damage(body);
  expect(() => mapped(dir, store)!.rank(q, 10)).toThrow(/checksum/);
  expect(indexStatus(dir, store.vectors, "fake", 64).state).toBe("damaged");
  const channel = new DenseChannel({ store, open: async () => embedder, indexDir: dir, kernel: null });
  const hits = await channel.search({ text: "merge build token", limit: 10, filter: { scope: { projects: ["/p"], includeGlobal: true } }, now: Date.now() });
  const byseq = store.vectors.memoriesBySeq(want, ALL, Date.now());
  expect(hits.map((h) => h.memory.id)).toEqual(want.map((s) => byseq.get(s)!.id));
  // The search removed the damaged file (a refresh, which checks only the header, would have kept it) and the
  // worker's refresh writes it again.
  expect(existsSync(path)).toBe(false);
  expect(await refreshIndex(dir, store.vectors, "fake", 64)).toBe(true);
  expect(top(mapped(dir, store)!, q, 10)).toEqual(want);
  // Another database's file (its own epoch) is foreign, whatever it holds.
  const otherDir = tempDir();
  const { store: s2 } = await seeded(otherDir, 150);
  await writeIndex(otherDir, s2.vectors, "fake", 64);
  damage(readFileSync(indexPath(otherDir, "fake", 64)));
  expect(mapped(dir, store)).toBeNull();
  expect(indexStatus(dir, store.vectors, "fake", 64).state).toBe("foreign");
  // A file of another format version (an earlier cairn's) is outdated: not used either.
  const older = Buffer.from(good);
  older.writeUInt32LE(older.readUInt32LE(8) - 1, 8);
  damage(older);
  expect(mapped(dir, store)).toBeNull();
  expect(indexStatus(dir, store.vectors, "fake", 64).state).toBe("outdated");
  // A writer killed before its rename left a temp file: the next writer removes it.
  const dead = Bun.spawnSync(["true"]).pid;
  writeFileSync(`${path}.tmp-${dead}-abcdef`, "partial");
  expect(await refreshIndex(dir, store.vectors, "fake", 64)).toBe(true);
  expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  expect(indexStatus(dir, store.vectors, "fake", 64).state).toBe("fresh");
  expect(top(mapped(dir, store)!, q, 10)).toEqual(want);
  s2.close();
  engine.close();
});

test("a hard-forgotten memory's vector leaves every index file; a writer that read before the purge does not publish", async () => {
  const dir = tempDir();
  const { store, engine, ids } = await seeded(dir, 120);
  await writeIndex(dir, store.vectors, "fake", 64);
  const victim = store.vectors.read("fake", 64)[10]!;
  const before = await buildIndexBytes(store.vectors, "fake", 64); // a writer's snapshot, taken before the purge
  const seq = victim.seq;
  const id = [...store.vectors.memoriesBySeq([seq], ALL, Date.now()).values()][0]!.id;
  engine.forget(id, { hard: true });
  expect(readdirSync(dir).filter((n) => n.includes(".idx"))).toEqual([]);
  const published = writeIndexFile(indexPath(dir, "fake", 64), before.bytes, (rename) => store.vectors.publishIndex(before.erase, before.logPos, rename));
  expect(published).toBe(false);
  expect(readdirSync(dir).filter((n) => n.includes(".idx"))).toEqual([]);
  await writeIndex(dir, store.vectors, "fake", 64);
  const index = mapped(dir, store)!;
  expect(index.size).toBe(119);
  expect(top(index, victim.vector, 120)).not.toContain(seq);
  // Soft forgetting keeps the vector (restore brings it back); the channel's filter leaves the memory out.
  engine.forget(ids[20]!);
  const channel = new DenseChannel({ store, open: async () => embedder, indexDir: dir, kernel: null });
  const hits = await channel.search({ text: text(rng(5), 0), limit: 200, filter: { scope: { projects: ["/p"], includeGlobal: true } }, now: Date.now() });
  expect(hits.map((h) => h.memory.id)).not.toContain(ids[20]!);
  expect(hits.map((h) => h.memory.id)).not.toContain(id);
  engine.close();
});

test("onnxruntime's nearest-centroid assignment equals the JS one", async () => {
  const r = rng(3);
  const dims = 24;
  const n = 3000;
  const nlist = 37;
  const data = Float32Array.from({ length: n * dims }, () => r() - 0.5);
  const centroids = Float32Array.from({ length: nlist * dims }, () => r() - 0.5);
  const rows = (from: number, to: number) => data.subarray(from * dims, to * dims);
  const js = await jsAssign(rows, n, dims, centroids, nlist);
  const fast = await withFastAssign(async (assign) => {
    expect(assign).toBeDefined();
    return assign!(rows, n, dims, centroids, nlist);
  });
  expect(Array.from(fast)).toEqual(Array.from(js));
});

test("lists are √n, twice as fine from FINE_FROM, and a search reads a twentieth of fine lists, a tenth of others", () => {
  expect(listsFor(IVF_FROM - 1)).toBe(1);
  expect(listsFor(100_000)).toBe(316);
  expect(listsFor(FINE_FROM - 1)).toBe(866);
  expect(listsFor(FINE_FROM)).toBe(1732);
  expect(listsFor(1_000_000)).toBe(2000);
  expect(listsFor(10_000_000)).toBe(2048);
  expect(probeShareFor(100_000, 316)).toBe(0.1);
  expect(probeShareFor(1_000_000, 2000)).toBe(0.05);
  // A file built with √n lists before keeps a tenth; past the cap, lists are coarse again and read a tenth.
  expect(probeShareFor(1_000_000, 1000)).toBe(0.1);
  expect(probeShareFor(10_000_000, 2048)).toBe(0.1);
});

test("IVF lists on a generated store: top-10 agrees with exact search at least 90% (fixed seed)", async () => {
  const dir = tempDir();
  const store = new SqliteStore(join(dir, "cairn.db"));
  const n = IVF_FROM + 2000;
  const dims = 32;
  const point = clusteredPoints(11, dims, 300, 0.6);
  writePoints(store, n, dims, point);
  const w = await writeIndex(dir, store.vectors, "fake", dims);
  expect(w.lists).toBeGreaterThan(1);
  const ivf = FileIndex.open(indexPath(dir, "fake", dims), store.vectors, "fake", dims)!;
  const all = store.vectors.read("fake", dims);
  let agree = 0;
  const queries = 100;
  for (let i = 0; i < queries; i++) {
    const q = point();
    const scored = all.map((v) => {
      let s = 0;
      for (let k = 0; k < dims; k++) s += v.vector[k]! * q[k]!;
      return [v.seq, s] as const;
    });
    scored.sort((a, b) => b[1] - a[1]);
    const truth = new Set(scored.slice(0, 10).map((s) => s[0]));
    const got = ivf.rank(q, 10);
    expect(got.complete).toBe(false); // approximate: not every list was read
    agree += got.rows.filter((row) => truth.has(got.seqs[row]!)).length;
  }
  expect(agree / (queries * 10)).toBeGreaterThanOrEqual(0.9);
  store.close();
});

/** Writes the store's index file with `lists` IVF lists (sealed when the store is encrypted). */
async function writeLists(dir: string, store: SqliteStore, lists: number): Promise<void> {
  const built = await buildIndexBytes(store.vectors, "fake", 64, { lists });
  const bytes = storeIndexBytes(store.vectors.codec, built.bytes);
  expect(writeIndexFile(indexPath(dir, "fake", 64), bytes, (rename) => store.vectors.publishIndex(built.erase, built.logPos, rename))).toBe(true);
}

/** Bytes the last list takes in `sealed` (of the plain file `plain`): its rows plus what sealing adds to a value. */
function lastSealedList(plain: Uint8Array, sealed: Buffer): number {
  const v = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const count = v.getUint32(16, true);
  const nlist = v.getUint32(20, true);
  const offset = (l: number) => v.getUint32(64 + 8 * count + 4 * l, true);
  const overhead = sealed.readUInt32LE(12) - (64 + v.getUint32(48, true)); // sealed header − plain header
  return (offset(nlist) - offset(nlist - 1)) * signBytes(64) + overhead;
}

test("an encrypted store's index file is sealed under its key: no vector in the clear, searches use it and rank exactly", async () => {
  const dir = tempDir();
  const { store } = await seeded(dir, 160, true);
  expect(store.vectors.sealed).toBe(true);
  await writeLists(dir, store, 6);
  const path = indexPath(dir, "fake", 64);
  const file = readFileSync(path);
  // Rows as the plain file would hold them: nowhere in the sealed file.
  const plain = Buffer.from((await buildIndexBytes(store.vectors, "fake", 64, { lists: 6 })).bytes);
  const rows = Buffer.from(fileSections(plain).values.subarray(0, 24));
  expect(file.includes(rows)).toBe(false);
  expect(file.subarray(0, 8).toString()).toBe("CAIRNVXE");
  // Read back through the key: every list opens, and reading all of them ranks as exact search does.
  expect(indexStatus(dir, store.vectors, "fake", 64)).toMatchObject({ state: "fresh", count: 160, lists: 6 });
  const q = await query("cache deploy index");
  const all = FileIndex.open(path, store.vectors, "fake", 64, { probeShare: 1 })!;
  expect(all.lists).toBe(6);
  expect(top(all, q, 25)).toEqual(exact(store, q, 25));
  // Kept in the scorer's memory (a long-lived process), every list decrypted once: the same ranking.
  expect(all.keepRows()).toBe(true);
  expect(top(all, q, 25)).toEqual(exact(store, q, 25));
  all.close();
  // A plain reader sees no file of its format; another key opens nothing.
  expect(readIndexFile(path, "fake", 64, store.vectors.logState().epoch)).toEqual({ ok: false, reason: "damaged" });
  const other = new AeadCodec(crypto.getRandomValues(new Uint8Array(32)), "other");
  expect(readSealedIndexFile(other, path, "fake", 64, store.vectors.logState().epoch)).toEqual({ ok: false, reason: "damaged" });
  // The channel searches through the file: it loads no vector, reads the few it scores by seq (sealed rows
  // opened under the key), and a change the log cannot see is scored from the database's copy (as above).
  const best = top(FileIndex.open(path, store.vectors, "fake", 64, { probeShare: 1 })!, q, 1)[0]!;
  store.database.query("UPDATE vectors SET vector = ? WHERE memory_seq = ?").run(store.vectors.codec.encodeBytes(packVector(new Float32Array(64).fill(-0.125)), vectorPlace("fake", best)), best);
  const want = exact(store, q, 1);
  expect(want).not.toEqual([best]);
  const calls = countReads(store);
  const channel = new DenseChannel({ store, open: async () => embedder, indexDir: dir, kernel: null });
  const hits = await channel.search({ text: "cache deploy index", limit: 1, filter: ALL, now: Date.now() });
  expect(hits.map((h) => h.memory.id)).toEqual([...store.vectors.memoriesBySeq(want, ALL, Date.now()).values()].map((m) => m.id));
  expect(calls.loads).toBe(0);
  expect(calls.bySeq).toBeGreaterThan(0);
  store.close();
});

test("a sealed file altered, cut short, or with a list taken from another sealed file is never used", async () => {
  const dir = tempDir();
  const { store } = await seeded(dir, 120, true);
  const path = indexPath(dir, "fake", 64);
  await writeLists(dir, store, 4);
  const first = readFileSync(path);
  await writeLists(dir, store, 4); // the same vectors and lists, sealed again: another file id, other nonces
  const good = readFileSync(path);
  expect(good.length).toBe(first.length);
  expect(good.equals(first)).toBe(false);
  const q = await query("merge build token");
  const put = (bytes: Buffer) => {
    rmSync(path);
    writeFileSync(path, bytes);
  };
  const open = () => FileIndex.open(path, store.vectors, "fake", 64, { probeShare: 1 });
  // The sealed header: one byte changed and nothing opens.
  const header = Buffer.from(good);
  header[100] = header[100]! ^ 0x01;
  put(header);
  expect(open()).toBeNull();
  expect(indexStatus(dir, store.vectors, "fake", 64).state).toBe("damaged");
  put(good.subarray(0, good.length - 1));
  expect(open()).toBeNull();
  // The last list's last byte: the file opens, the list does not; a search fails instead of trusting it.
  const body = Buffer.from(good);
  body[body.length - 1] = body[body.length - 1]! ^ 0x01;
  put(body);
  expect(() => open()!.rank(q, 10)).toThrow(/does not open/);
  expect(indexStatus(dir, store.vectors, "fake", 64).state).toBe("damaged");
  // The last list copied from the other sealing (same length, valid under the key, bound to the other file).
  const plain = (await buildIndexBytes(store.vectors, "fake", 64, { lists: 4 })).bytes;
  const tail = lastSealedList(plain, good);
  expect(tail).toBeGreaterThan(29);
  const spliced = Buffer.from(good);
  first.copy(spliced, spliced.length - tail, first.length - tail);
  put(spliced);
  expect(() => open()!.rank(q, 10)).toThrow(/does not open/);
  // The channel answers from the database, exactly, and the file is rewritten.
  const channel = new DenseChannel({ store, open: async () => embedder, indexDir: dir, kernel: null });
  const hits = await channel.search({ text: "merge build token", limit: 10, filter: ALL, now: Date.now() });
  const want = exact(store, q, 10);
  const byseq = store.vectors.memoriesBySeq(want, ALL, Date.now());
  expect(hits.map((h) => h.memory.id)).toEqual(want.map((s) => byseq.get(s)!.id));
  expect(existsSync(path)).toBe(false); // removed by the search that failed it: the worker's refresh writes it again
  expect(await refreshIndex(dir, store.vectors, "fake", 64)).toBe(true);
  expect(indexStatus(dir, store.vectors, "fake", 64).state).toBe("fresh");
  store.close();
});

test("kept rows: a process searching again scores the file's rows in memory, with the same ranking, and reads them no more", async () => {
  const { store, path } = await indexed(400);
  const read = FileIndex.open(path, store.vectors, "fake", 64, { keepRows: false })!;
  const kept = FileIndex.open(path, store.vectors, "fake", 64)!;
  const q1 = await query("cache deploy retry");
  const q2 = await query("schema lock merge");
  // One query, ranked deeper (filters rejected rows): still one search, nothing kept.
  ranked(kept, q1, 10);
  ranked(kept, q1, 50);
  expect(kept.keepsRows).toBe(false);
  // The second query keeps them.
  ranked(kept, q2, 10);
  expect(kept.keepsRows).toBe(true);
  for (const q of [q1, q2, await query("token branch build")]) for (const k of [1, 10, 50, 400]) expect(ranked(kept, q, k)).toEqual(ranked(read, q, k));
  // The file's bytes overwritten in place (same inode, so both still hold it open): kept rows still rank; one
  // that reads them again checks them again and fails (its caller answers from the database), never ranking wrong.
  const want = ranked(read, q1, 20);
  writeFileSync(path, new Uint8Array(readFileSync(path).length));
  // A copy of the query is a new search (not the cached scan of q1): the rows are scored again.
  expect(ranked(kept, q1.slice(), 20)).toEqual(want);
  expect(() => ranked(read, q1.slice(), 20)).toThrow(/fails its checksum/);
  store.close();
});

test("rows are not kept past the byte limit, nor when a list fails its CRC", async () => {
  const { store, path } = await indexed(200);
  const small = FileIndex.open(path, store.vectors, "fake", 64)!;
  // 64 dims: 8 bytes of signs a row.
  expect(small.keepRows(200 * 8 - 1)).toBe(false);
  expect(small.keepsRows).toBe(false);
  expect(small.keepRows(200 * 8)).toBe(true);
  // The last byte of the file is the last list's last value.
  const bytes = readFileSync(path);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x55;
  writeFileSync(path, bytes);
  const damaged = FileIndex.open(path, store.vectors, "fake", 64)!;
  expect(damaged.keepRows()).toBe(false);
  expect(damaged.keepsRows).toBe(false);
  const q = await query("cache deploy");
  expect(() => damaged.rank(q, 10)).toThrow(/checksum/);
  store.close();
});

test("a scan of the database ranks as the index file does: the same seqs and exact scores, ties by seq", async () => {
  const dir = tempDir();
  const { store } = await seeded(dir, 300);
  // Two memories with the very same vector: a tie, broken by seq on both paths.
  store.database.run("UPDATE vectors SET vector = (SELECT vector FROM vectors WHERE memory_seq = 3) WHERE memory_seq = 9");
  await writeIndex(dir, store.vectors, "fake", 64);
  const file = mappedAll(dir, store)!;
  const scan = new VectorScan(store.vectors, "fake", 64);
  expect(scan.size).toBe(300);
  for (const t of ["cache deploy index", "merge build token", text(rng(5), 3)]) {
    const q = await query(t);
    for (const k of [10, 50, 300]) {
      const got = scan.rank(q, k);
      expect(got.rows.map((row, i) => [got.seqs[row], got.scores[i]])).toEqual(ranked(file, q, k));
    }
  }
  const tied = scan.rank(await query(text(rng(5), 3)), 300);
  const order = tied.rows.map((row) => tied.seqs[row]);
  expect(order.indexOf(3)).toBeLessThan(order.indexOf(9));
  expect(tied.complete).toBe(true);
  store.close();
});

test("with no usable file, a one-shot search of a large store scans the database instead of loading it, and asks for the file", async () => {
  const dir = tempDir();
  const store = new SqliteStore(join(dir, "cairn.db"));
  const n = 20_000;
  const r = rng(9);
  const texts = Array.from({ length: n }, (_, i) => text(r, i));
  const vectors = await embedder.embed(texts, "document");
  const memory = store.database.query("INSERT INTO memories (id, content, type, project, created_at, updated_at, priority, content_hash, canonical_hash) VALUES (?, ?, 'note', '/p', 1, 1, 3, ?, ?)");
  const vector = store.database.query("INSERT INTO vectors (memory_seq, model, dims, vector, created_at) VALUES (?, 'fake', 64, ?, 1)");
  store.database.transaction(() => {
    for (let i = 0; i < n; i++) {
      memory.run(`m-${i}`, texts[i]!, `h${i}`, `c${i}`);
      vector.run(i + 1, packVector(vectors[i]!));
    }
  })();
  const q = "merge build token";
  const want = exact(store, await query(q), 10);
  // Counts the loads (every vector read into memory) and the scans.
  const v = store.vectors;
  const calls = { loads: 0, scans: 0 };
  const read = v.read.bind(v);
  const scanPacked = v.scanPacked.bind(v);
  v.read = (...a) => (calls.loads++, read(...a));
  v.scanPacked = (...a) => (calls.scans++, scanPacked(...a));
  let asked = 0;
  const channel = new DenseChannel({ store, open: async () => embedder, model: "fake", oneShot: true, indexDir: dir, kernel: null, onStaleIndex: () => asked++ });
  const hits = await channel.search({ text: q, limit: 10, filter: ALL, now: Date.now() });
  expect(calls).toEqual({ loads: 0, scans: 1 });
  expect(asked).toBe(1);
  expect(hits.map((h) => h.memory.id)).toEqual(want.map((s) => `m-${s - 1}`));
  // Once the file is there, the next search uses it and scans no more.
  await writeIndex(dir, store.vectors, "fake", 64);
  const again = await channel.search({ text: q, limit: 10, filter: ALL, now: Date.now() });
  expect(again.map((h) => h.memory.id)).toEqual(hits.map((h) => h.memory.id));
  expect(calls.scans).toBe(1);
  // A long-lived process (not one-shot) of this size still loads it: below 100k vectors.
  rmSync(indexPath(dir, "fake", 64));
  const longLived = new DenseChannel({ store, open: async () => embedder, model: "fake", indexDir: dir, kernel: null });
  await longLived.search({ text: q, limit: 10, filter: ALL, now: Date.now() });
  expect(calls).toEqual({ loads: 1, scans: 1 });
  store.close();
});

test("encrypting a store removes its plain index files, decrypting its sealed ones (a writer that read before does not publish)", async () => {
  const dir = tempDir();
  const { store } = await seeded(dir, 40);
  await writeIndex(dir, store.vectors, "fake", 64);
  const before = await buildIndexBytes(store.vectors, "fake", 64);
  expect(readdirSync(dir).filter((n) => n.endsWith(".idx"))).toHaveLength(1);
  const { codec, newRecord } = encryptedOptions(undefined, join(dir, "cairn.db"));
  store.recode(codec, newRecord);
  expect(readdirSync(dir).filter((n) => n.endsWith(".idx"))).toEqual([]);
  // The writer that read before is refused under the key check (as every write of a process opened before an encrypt).
  expect(() => writeIndexFile(indexPath(dir, "fake", 64), before.bytes, (rename) => store.vectors.publishIndex(before.erase, before.logPos, rename))).toThrow(expect.objectContaining({ code: "KEY_CHANGED" }));
  expect(readdirSync(dir).filter((n) => n.endsWith(".idx") || n.endsWith(".tmp"))).toEqual([]);
  store.close();
  const sealed = new SqliteStore(join(dir, "cairn.db"), { codec });
  expect((await writeIndex(dir, sealed.vectors, "fake", 64)).written).toBe(true);
  expect(readFileSync(indexPath(dir, "fake", 64)).subarray(0, 8).toString()).toBe("CAIRNVXE");
  sealed.recode(PLAIN_CODEC, null);
  expect(readdirSync(dir).filter((n) => n.endsWith(".idx"))).toEqual([]);
  sealed.close();
});

test("a reader that found its file damaged removes it only while the path still names that file", async () => {
  const { store, path } = await indexed(60);
  const old = mapped(dirname(path), store)!;
  await writeIndex(dirname(path), store.vectors, "fake", 64); // a newer file renamed over the path
  old.discard();
  expect(existsSync(path)).toBe(true);
  old.close();
  const current = mapped(dirname(path), store)!;
  current.discard();
  expect(existsSync(path)).toBe(false);
  current.close();
  store.close();
});

/** The files this process holds open whose path was renamed over or removed (Linux: /proc/self/fd). */
function heldDeleted(path: string): string[] {
  const held: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target === `${path} (deleted)`) held.push(target);
    } catch {
      // closed while listed
    }
  }
  return held;
}

test.skipIf(!existsSync("/proc/self/fd"))("a long-lived search moves to the newer file renamed over its path, and lets the replaced one go", async () => {
  const dir = tempDir();
  const { store, engine } = await seeded(dir, 150);
  await writeLists(dir, store, 4);
  const path = indexPath(dir, "fake", 64);
  const channel = new DenseChannel({ store, open: async () => embedder, indexDir: dir, kernel: null });
  const search = async (t: string) => (await channel.search({ text: t, limit: 10, filter: ALL, now: Date.now() })).map((h) => h.memory.id);
  const ranksExactly = async (t: string) => {
    const want = exact(store, await query(t), 10);
    const byseq = store.vectors.memoriesBySeq(want, ALL, Date.now());
    expect(await search(t)).toEqual(want.map((s) => byseq.get(s)!.id));
  };
  await ranksExactly("merge build token");
  // A rebuild with nothing changed (models reindex, doctor --repair): the change log is not pruned.
  await writeLists(dir, store, 4);
  expect(heldDeleted(path)).toHaveLength(1); // the file the channel opened, renamed over
  await ranksExactly("schema lock merge");
  expect(heldDeleted(path)).toEqual([]);
  // A refresh after writes: also let go of (the publish prunes the log, so catching the old one up fails).
  const r = rng(9);
  for (let i = 0; i < 40; i++) engine.remember({ content: text(r, 1000 + i) });
  const pending = store.vectors.pending("fake", 100).rows;
  const vs = await embedder.embed(pending.map((p) => p.content), "document");
  store.vectors.put("fake", 64, pending.map((p, i) => ({ seq: p.seq, contentHash: p.contentHash, vector: vs[i]! })), Date.now());
  await writeLists(dir, store, 4);
  await ranksExactly("schema lock merge item1003");
  expect(heldDeleted(path)).toEqual([]);
  await channel.dispose();
  engine.close();
});

test("a long-lived search ranking from its loaded matrix moves to the IVF file once the store grew past IVF_FROM (QA: 2.3 times a new process's cost)", async () => {
  const dir = tempDir();
  const store = new SqliteStore(join(dir, "cairn.db"));
  const r = rng(13);
  const add = async (from: number, n: number) => {
    const texts = Array.from({ length: n }, (_, i) => text(r, from + i));
    const vectors = await embedder.embed(texts, "document");
    const memory = store.database.query("INSERT INTO memories (id, content, type, project, created_at, updated_at, priority, content_hash, canonical_hash) VALUES (?, ?, 'note', '/p', 1, 1, 3, ?, ?)");
    store.database.transaction(() => {
      for (let i = 0; i < n; i++) memory.run(`m-${from + i}`, texts[i]!, `h${from + i}`, `c${from + i}`);
    })();
    store.vectors.put("fake", 64, vectors.map((vector, i) => ({ seq: from + i + 1, contentHash: `h${from + i}`, vector })), 1);
  };
  await add(0, 2_000);
  const v = store.vectors;
  const calls = { loads: 0 };
  const read = v.read.bind(v);
  v.read = (...a) => (calls.loads++, read(...a));
  const channel = new DenseChannel({ store, open: async () => embedder, model: "fake", indexDir: dir, kernel: null });
  const q = "merge build token";
  for (let i = 0; i < 2; i++) await channel.search({ text: q, limit: 10, filter: ALL, now: Date.now() });
  expect(calls.loads).toBe(1); // the loaded matrix, kept up to date from then on
  await add(2_000, IVF_FROM);
  await channel.search({ text: q, limit: 10, filter: ALL, now: Date.now() });
  // No file yet: the matrix stays. The worker writes the IVF file; the next search ranks from it.
  const w = await writeIndex(dir, store.vectors, "fake", 64);
  expect(w.lists).toBeGreaterThan(1);
  const ranked = { file: 0 };
  const rank = FileIndex.prototype.rank;
  FileIndex.prototype.rank = function (...a) {
    ranked.file++;
    return rank.apply(this, a);
  };
  try {
    await add(2_000 + IVF_FROM, 2_500);
    const hits = await channel.search({ text: q, limit: 10, filter: ALL, now: Date.now() });
    expect(ranked.file).toBe(1);
    expect(hits).toHaveLength(10);
  } finally {
    FileIndex.prototype.rank = rank;
  }
  store.close();
});
