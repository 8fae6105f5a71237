/**
 * @module A refresh of the index file carries the previous file's IVF lists forward: the same centroids,
 * every unchanged vector in its list, added and changed ones in their nearest centroid's list, deleted ones
 * gone, searches finding them; lists are trained again once the store has grown by more than a quarter, and
 * never carried from a file that does not say what they were trained on or past a pruned change log.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { refreshIndex, writeIndex } from "../../src/retrieve/index-build.ts";
import { carryLists } from "../../src/retrieve/ivf-carry.ts";
import { IVF_FROM, nearest } from "../../src/retrieve/ivf.ts";
import { FileIndex } from "../../src/retrieve/file-index.ts";
import { type IndexFile, indexPath, readIndexFile } from "../../src/store/vector-file.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { clusteredPoints } from "../helpers/clustered.ts";

const DIMS = 32;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A store of clustered unit vectors, written straight to the tables (no embedder), and ways to change it. */
function world(n: number) {
  const dir = mkdtempSync(join(tmpdir(), "cairn-carry-"));
  dirs.push(dir);
  const store = new SqliteStore(join(dir, "cairn.db"));
  const db = store.database;
  const point = clusteredPoints(23, DIMS, 200, 0.6);
  let made = 0;
  const add = (k: number) => {
    const first = made + 1;
    db.transaction(() => {
      const ins = db.query("INSERT INTO memories (seq, id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES (?, ?, 'x', 'note', 1, 1, 3, ?, ?)");
      for (let i = 0; i < k; i++) ins.run(first + i, `m${first + i}`, `h${first + i}`, `c${first + i}`);
    })();
    for (let i = 0; i < k; i += 2000) {
      const rows = Array.from({ length: Math.min(2000, k - i) }, (_, j) => ({ seq: first + i + j, contentHash: `h${first + i + j}`, vector: point() }));
      store.vectors.put("fake", DIMS, rows, 1);
    }
    made += k;
  };
  const replace = (seqs: number[]) => store.vectors.put("fake", DIMS, seqs.map((seq) => ({ seq, contentHash: `h${seq}`, vector: point() })), 2);
  const remove = (seqs: number[]) => db.transaction(() => seqs.forEach((seq) => db.query("DELETE FROM memories WHERE seq = ?").run(seq)))();
  add(n);
  const path = indexPath(dir, "fake", DIMS);
  const open = (): IndexFile => {
    const read = readIndexFile(path, "fake", DIMS, store.vectors.logState().epoch);
    if (!read.ok) throw new Error(`index file: ${read.reason}`);
    return read.file;
  };
  return { dir, store, add, replace, remove, open, point, path };
}

/** Each seq's list in `file`. */
function listOf(file: IndexFile): Map<number, number> {
  const out = new Map<number, number>();
  for (let l = 0; l < file.nlist; l++) for (let r = file.offsets[l]!; r < file.offsets[l + 1]!; r++) out.set(file.seqs[r]!, l);
  return out;
}

test("a refresh keeps the centroids and every unchanged vector's list, puts added and changed ones in their nearest list, drops deleted ones", async () => {
  const w = world(IVF_FROM + 2000);
  await writeIndex(w.dir, w.store.vectors, "fake", DIMS);
  const before = w.open();
  expect(before.nlist).toBeGreaterThan(1);
  expect(before.trained).toBe(IVF_FROM + 2000);
  const oldLists = listOf(before);
  const centroids = Float32Array.from(before.centroids);
  before.close();
  const replaced = Array.from({ length: 400 }, (_, i) => 7 + i * 50);
  const removed = Array.from({ length: 200 }, (_, i) => 11 + i * 97);
  w.add(1500);
  w.replace(replaced);
  w.remove(removed);
  expect(await refreshIndex(w.dir, w.store.vectors, "fake", DIMS)).toBe(true); // 2,100 memories changed: stale
  const after = w.open();
  expect(after.count).toBe(IVF_FROM + 2000 + 1500 - 200);
  expect(after.trained).toBe(IVF_FROM + 2000);
  expect(Array.from(after.centroids)).toEqual(Array.from(centroids));
  const lists = listOf(after);
  const changed = new Set([...replaced]);
  const vectors = new Map(w.store.vectors.read("fake", DIMS).map((v) => [v.seq, v.vector]));
  let kept = 0;
  let assigned = 0;
  for (const [seq, l] of lists) {
    if (oldLists.has(seq) && !changed.has(seq)) {
      expect(l).toBe(oldLists.get(seq)!);
      kept++;
    } else {
      expect(l).toBe(nearest(after.centroids, after.nlist, DIMS, vectors.get(seq)!));
      assigned++;
    }
  }
  for (const seq of removed) expect(lists.has(seq)).toBe(false);
  expect(assigned).toBe(1500 + replaced.filter((s) => !removed.includes(s)).length);
  expect(kept).toBe(after.count - assigned);
  after.close();
  // A new vector is found by a search of itself, a changed one by its new value.
  const index = FileIndex.open(w.path, w.store.vectors, "fake", DIMS)!;
  for (const seq of [IVF_FROM + 2000 + 5, replaced[3]!]) {
    const r = index.rank(vectors.get(seq)!, 1);
    expect(r.seqs[r.rows[0]!]).toBe(seq);
  }
  index.close();
  w.store.close();
});

test("grown by more than a quarter since its lists were trained, a refresh trains them again", async () => {
  const w = world(IVF_FROM + 2000);
  await writeIndex(w.dir, w.store.vectors, "fake", DIMS);
  const first = w.open();
  const centroids = Float32Array.from(first.centroids);
  first.close();
  w.add(Math.ceil((IVF_FROM + 2000) * 0.26));
  expect(await refreshIndex(w.dir, w.store.vectors, "fake", DIMS)).toBe(true);
  const after = w.open();
  expect(after.trained).toBe(after.count);
  expect(Array.from(after.centroids)).not.toEqual(Array.from(centroids));
  after.close();
  w.store.close();
});

test("lists are not carried from a file that does not say what they were trained on, nor when the log cannot say what changed", () => {
  const file = {
    nlist: 2, trained: 4, count: 4, centroids: new Float32Array(2 * DIMS),
    seqs: Uint32Array.from([1, 3, 2, 4]), offsets: Uint32Array.from([0, 2, 4]),
  } as unknown as IndexFile;
  const seqs = Uint32Array.from([1, 2, 3, 4, 5]);
  expect(carryLists(file, seqs, () => [5], 2)).toMatchObject({ list: Uint32Array.from([0, 1, 0, 1, 0]), fresh: Uint32Array.from([4]) });
  expect(carryLists(file, seqs, () => [2], 2)!.fresh).toEqual(Uint32Array.from([1, 4]));
  expect(carryLists({ ...file, trained: 0 }, seqs, () => [5], 2)).toBeNull();
  expect(carryLists(file, seqs, () => null, 2)).toBeNull();
  expect(carryLists(file, seqs, () => [5], 3)).toBeNull(); // the store now calls for a list count a half more
  expect(carryLists({ ...file, nlist: 1, offsets: Uint32Array.from([0, 4]) }, seqs, () => [5], 1)).toBeNull();
});
