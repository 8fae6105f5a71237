/**
 * @module The in-memory full-text index (store/text-index*.ts): every rank equal to FTS5's bm25() to the bit,
 * for words, stems, tags, phrases, prefixes, accents and CJK; caught up from text_log after inserts, updates and
 * deletes; and built again (catch-up refused) when the log was pruned past it or too much changed. Written to a
 * file, it ranks the same for a one-shot process; a foreign, short or damaged file is not used, and a purge
 * removes it.
 */
import { afterEach, describe, expect, spyOn, test } from "bun:test";
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { openReader } from "../../src/store/db.ts";
import { BM25_SQL } from "../../src/store/fts.ts";
import type { TextIndex } from "../../src/store/text-index.ts";
import { SEARCH_BUFFERS } from "../../src/store/text-index-lists.ts";
import { buildTextIndex, catchUp } from "../../src/store/text-index-source.ts";
import { closeTextIndexFile, keywordIndexPath, openTextIndexFile, publishTextIndex } from "../../src/store/text-index-file.ts";
import { indexFileState } from "../../src/store/index-file-io.ts";
import { logHead } from "../../src/store/log-mark.ts";
import { keywordFileState, refreshKeywordFile } from "../../src/store/keyword-file-state.ts";
import { indexRanker, indexStats } from "../../src/store/text-index-rank.ts";
import { termStats } from "../../src/store/term-stats.ts";
import { buildKeywordQuery } from "../../src/retrieve/fts-query.ts";
import { encryptedOptions, T0 } from "../helpers/engine.ts";

const dirs: string[] = [];
const closers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const c of closers.splice(0)) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const WORDS = ["deploy", "deploys", "deploying", "cache", "caching", "queue", "router", "worker", "token", "schema", "migration", "rollback"];
const EXTRA = ["Café crème", "naïve résumé", "Москва и сессий", "テストが不安定なので", "node-gyp rebuild", "v1.2.3 release", "src/app.ts", "Harry Potter"];

function emptyStore(encrypted = false): { store: SqliteStore; engine: Engine; path: string } {
  const dir = mkdtempSync(join(tmpdir(), "cairn-text-index-"));
  dirs.push(dir);
  const path = join(dir, "cairn.db");
  const store = new SqliteStore(path, encrypted ? encryptedOptions(undefined, path) : {});
  closers.push(store);
  return { store, engine: new Engine({ store, project: "/work/app", actor: "test", now: () => T0 }), path };
}

function setup(n = 400, encrypted = false): { store: SqliteStore; engine: Engine; path: string; reader: Database; ids: string[] } {
  const { store, engine, path } = emptyStore(encrypted);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 3 + (i % 9) }, (_, j) => WORDS[(i * 7 + j * 5) % WORDS.length]);
    const content = `${words.join(" ")} ${i % 5 === 0 ? EXTRA[i % EXTRA.length] : ""} note ${i}`;
    ids.push(engine.remember({ content, tags: i % 4 === 0 ? [WORDS[i % WORDS.length]!, "ops"] : [] }).id);
  }
  const reader = openReader(path);
  closers.push(reader);
  return { store, engine, path, reader, ids };
}

async function built(path: string): Promise<TextIndex> {
  const conn = openReader(path);
  try {
    return (await buildTextIndex(conn)).index;
  } finally {
    conn.close();
  }
}

const QUERIES = [
  "deploy cache",
  "deploying the workers",
  "ops rollback",
  "schema migration token router queue",
  "café resume",
  "сессии Москва",
  "不安定",
  "node-gyp",
  "the v1.2.3 release",
  "deploy*",
  "who is Harry Potter",
  "note 17",
  "nothing matches zzzqqq",
];

/** FTS5's ranks of every match: seq → rank. */
function ftsRanks(db: Database, match: string): Map<number, number> {
  const rows = db.query(`SELECT rowid, ${BM25_SQL} FROM memories_fts WHERE memories_fts MATCH ?`).values(match) as Array<[number, number]>;
  return new Map(rows);
}

function indexRanks(db: Database, index: TextIndex, match: string): Map<number, number> {
  const ranked = indexRanker(db, index, match);
  if (!ranked) throw new Error(`not ranked: ${match}`);
  return new Map(ranked(1e9).map((r) => [r.seq, r.rank]));
}

function expectSameRanks(db: Database, index: TextIndex): void {
  let matched = 0;
  for (const q of QUERIES) {
    const match = buildKeywordQuery(q).match!;
    const want = ftsRanks(db, match);
    const got = db.transaction(() => indexRanks(db, index, match)).deferred();
    matched += want.size;
    expect({ q, ranks: got }).toEqual({ q, ranks: want });
  }
  expect(matched).toBeGreaterThan(500);
}

describe("TextIndex", () => {
  test("ranks every match exactly as FTS5's bm25() does", async () => {
    const { reader, path } = setup();
    const index = await built(path);
    expectSameRanks(reader, index);
  });

  test("the best k come first, ties to the newer memory", async () => {
    const { reader, path } = setup();
    const index = await built(path);
    const match = buildKeywordQuery("deploy cache").match!;
    const top = indexRanker(reader, index, match)!(10);
    const all = [...ftsRanks(reader, match)].map(([seq, rank]) => ({ seq, rank })).sort((a, b) => a.rank - b.rank || b.seq - a.seq);
    expect(top.length).toBeGreaterThanOrEqual(10);
    expect(top.slice(0, 10)).toEqual(all.slice(0, 10));
  });

  test("catches up from text_log: new, changed and deleted memories rank as FTS5 ranks them", async () => {
    const { reader, path, engine, ids } = setup();
    const index = await built(path);
    engine.remember({ content: "deploy the cache router twice: deploy deploy", tags: ["cache"] });
    engine.update(ids[3]!, { content: "now about caching tokens only", tags: ["deploy"] });
    engine.forget(ids[4]!, { hard: true });
    // Not caught up, the ranks differ (so the comparison can fail) ...
    const match = buildKeywordQuery("deploy cache").match!;
    expect(indexRanks(reader, index, match)).not.toEqual(ftsRanks(reader, match));
    // ... caught up, they are FTS5's again.
    expect(reader.transaction(() => catchUp(reader, index, 100)).deferred()).toBe(true);
    expect(index.changed).toBe(3);
    expectSameRanks(reader, index);
  });

  test("buffers past the kept size are let go after each search and reported for collection; small ones are reused; ranks unchanged", async () => {
    const { reader, path, engine, ids } = setup();
    const index = await built(path);
    engine.update(ids[5]!, { content: "deploy the cache router" });
    expect(reader.transaction(() => catchUp(reader, index, 100)).deferred()).toBe(true);
    const match = buildKeywordQuery("deploy cache").match!;
    const search = () => reader.transaction(() => indexRanks(reader, index, match)).deferred();
    const kept = SEARCH_BUFFERS.keepEntries;
    try {
      // Every list of "deploy" or "cache" is longer than 50 entries: its buffers are made for the search, not kept.
      SEARCH_BUFFERS.keepEntries = 50;
      index.takeLargeBytes();
      search();
      expect(index.takeLargeBytes()).toBeGreaterThan(50 * 12);
      expect(index.takeLargeBytes()).toBe(0);
      search();
      expect(index.takeLargeBytes()).toBeGreaterThan(50 * 12); // made again: the first search's were let go
      expectSameRanks(reader, index);
      // Kept (the default size at this store), the second search reuses the first one's buffers.
      SEARCH_BUFFERS.keepEntries = kept;
      search();
      index.takeLargeBytes();
      search();
      expect(index.takeLargeBytes()).toBe(0);
      expectSameRanks(reader, index);
    } finally {
      SEARCH_BUFFERS.keepEntries = kept;
    }
  });

  test("counts terms as FTS5 does: one-token terms from the index, phrases, prefixes and ORs through FTS5", async () => {
    const { reader, path, engine, ids } = setup();
    const index = await built(path);
    engine.remember({ content: "a fresh deploy note about caching" });
    const terms = ['"deploy"', '"caching"', '"cache"', '"node gyp"', '"deploy"*', '"queue" OR "router"', '"absent"', '"café"'];
    const counted = reader.transaction(() => (catchUp(reader, index, 100) ? indexStats(reader, index, terms) : null)).deferred();
    expect(counted).toEqual(termStats(reader, terms));
    expect(counted!.counts[0]).toBeGreaterThan(50);
    // Only new memories changed so far: counted from the lists' lengths. A changed older one is in the lists
    // with its old words, which counting must leave out.
    engine.update(ids[0]!, { content: "nothing about that anymore" });
    engine.forget(ids[7]!, { hard: true });
    const again = reader.transaction(() => (catchUp(reader, index, 100) ? indexStats(reader, index, terms) : null)).deferred();
    expect(again).toEqual(termStats(reader, terms));
  });

  test("a count up to a limit stops there, and is the whole count below it", () => {
    const { reader } = setup();
    const terms = ['"deploy"', '"node gyp"', '"absent"', '"absent" OR "queue"'];
    const all = termStats(reader, terms).counts;
    expect(all[0]).toBeGreaterThan(50);
    expect(all[2]).toBe(0);
    for (const upTo of [1, 3, 1000]) expect(termStats(reader, terms, upTo).counts).toEqual(all.map((n) => Math.min(n, upTo)));
  });

  test("a phrase of several words ranks as FTS5 ranks it: scored from the lists where each word occurs once, by FTS5 where one repeats or is a tag", async () => {
    const { reader, path, engine, ids } = setup(60);
    const once = ["node-gyp rebuild failed on the runner", "ERR_REQUIRE_ESM when the worker loads chalk", "we saw ERR_REQUIRE_ESM again", "node gyp and cache"];
    for (const content of once) engine.remember({ content });
    const index = await built(path);
    /** The ranks of `q`'s match, and whether FTS5's bm25() scored any phrase of it. */
    const ranked = (q: string) => {
      const match = buildKeywordQuery(q).match!;
      const spied = spyOn(Database.prototype, "query");
      let scored: boolean;
      let ranks: Map<number, number> | null;
      try {
        ranks = reader.transaction(() => (catchUp(reader, index, 100) ? indexRanks(reader, index, match) : null)).deferred();
        scored = spied.mock.calls.some(([sql]) => String(sql).includes("bm25("));
      } finally {
        spied.mockRestore();
      }
      expect({ q, ranks }).toEqual({ q, ranks: ftsRanks(reader, match) });
      return { matched: ranks!.size, scored };
    };
    // Each word once in every memory holding the phrase: no bm25() call.
    expect(ranked("ERR_REQUIRE_ESM on the runner")).toEqual({ matched: 3, scored: false });
    expect(ranked("node-gyp cache")).toMatchObject({ scored: false });
    // A changed memory (the overlay) holding it once: still scored here.
    engine.update(ids[1]!, { content: "ERR_REQUIRE_ESM after the upgrade of every package in the monorepo" });
    expect(ranked("ERR_REQUIRE_ESM")).toEqual({ matched: 3, scored: false });
    // A word twice in one memory, or the phrase among the tags: FTS5 scores the phrase.
    engine.remember({ content: "ERR_REQUIRE_ESM: require() of an ES module, ERR_REQUIRE_ESM" });
    expect(ranked("ERR_REQUIRE_ESM")).toEqual({ matched: 4, scored: true });
    engine.remember({ content: "the build broke", tags: ["node-gyp"] });
    expect(ranked("node-gyp")).toMatchObject({ scored: true });
    expect(ranked("node-gyp").matched).toBeGreaterThan(3);
  });

  test("refuses to catch up when more changed than allowed, or the log was pruned past it", async () => {
    const { reader, path, engine } = setup(50);
    const index = await built(path);
    for (let i = 0; i < 5; i++) engine.remember({ content: `another deploy note ${i}` });
    expect(catchUp(reader, index, 4)).toBe(false);
    expect(catchUp(reader, index, 5)).toBe(true);
    const behind = await built(path);
    engine.remember({ content: "one more deploy note" });
    engine.remember({ content: "and another deploy note" });
    // What the log's pruning trigger does every 4,096 entries, by hand: the entries behind a reader go.
    const writer = new Database(path);
    writer.run("DELETE FROM text_log WHERE id < (SELECT max(id) FROM text_log)");
    writer.close();
    expect(catchUp(reader, behind, 100)).toBe(false);
    expect(catchUp(reader, await built(path), 100)).toBe(true);
    // An index ahead of the log (the database replaced by an older copy of itself) is not caught up either.
    const ahead = await built(path);
    ahead.log = { ...ahead.log, id: ahead.log.id + 5 };
    expect(catchUp(reader, ahead, 100)).toBe(false);
  });
});

describe("keyword index file", () => {
  /** Builds the index on a reader of `path` and writes it beside the database, as the search thread does. */
  async function published(path: string): Promise<TextIndex> {
    const conn = openReader(path);
    try {
      const { index, state } = await buildTextIndex(conn);
      expect(publishTextIndex(conn, path, index, state)).toBe(true);
      return index;
    } finally {
      conn.close();
    }
  }
  const fileOf = (path: string) => keywordIndexPath(path)!;
  const epochOf = (db: Database) => indexFileState(db).epoch;
  const textLogHeadOf = (db: Database) => logHead(db, "text_log").id;

  test("a file, read term by term or whole, ranks every match exactly as FTS5 does, before and after catching up", async () => {
    const { reader, path, engine, ids } = setup();
    await published(path);
    const index = openTextIndexFile(fileOf(path), epochOf(reader))!;
    const whole = openTextIndexFile(fileOf(path), epochOf(reader), { whole: true })!;
    expect(index).not.toBeNull();
    expect(whole).not.toBeNull();
    expectSameRanks(reader, index);
    expectSameRanks(reader, whole);
    engine.remember({ content: "deploy the cache router twice: deploy deploy", tags: ["cache"] });
    engine.update(ids[3]!, { content: "now about caching tokens only", tags: ["deploy"] });
    engine.forget(ids[4]!, { hard: false });
    for (const i of [index, whole]) {
      expect(reader.transaction(() => catchUp(reader, i, 100)).deferred()).toBe(true);
      expectSameRanks(reader, i);
    }
    closeTextIndexFile(index);
  });

  test("a file of another database, a damaged one or a short one is not used", async () => {
    const { reader, path } = setup(200);
    await published(path);
    const file = fileOf(path);
    expect(openTextIndexFile(file, epochOf(reader) + 1)).toBeNull();
    const bytes = new Uint8Array(readFileSync(file));
    writeFileSync(file, bytes.subarray(0, bytes.length - 1));
    expect(openTextIndexFile(file, epochOf(reader))).toBeNull();
    // A flipped byte in the small arrays fails the header CRC; one in the lists fails when a search reads them.
    const meta = bytes.slice();
    meta[70] = meta[70]! ^ 0xff;
    writeFileSync(file, meta);
    expect(openTextIndexFile(file, epochOf(reader))).toBeNull();
    const lists = bytes.slice();
    lists[lists.length - 3] = lists[lists.length - 3]! ^ 0xff;
    writeFileSync(file, lists);
    expect(openTextIndexFile(file, epochOf(reader), { whole: true })).toBeNull();
    const damaged = openTextIndexFile(file, epochOf(reader))!;
    expect(damaged).not.toBeNull();
    expect(() => {
      for (const q of QUERIES) indexRanker(reader, damaged, buildKeywordQuery(q).match!)?.(10);
    }).toThrow(/checksum/);
    closeTextIndexFile(damaged);
    // A flipped byte in the document sizes (read by any ranking): here they share their 4 KiB block with the
    // project names, read as the file is opened, so the file is refused then (in a larger store, when a search
    // first reads the block: as the lists above).
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const [terms, docs, long] = [view.getUint32(12, true), view.getUint32(36, true), view.getUint32(68, true)];
    const smallAt = 72 + 4 * (view.getUint32(44, true) + view.getUint32(48, true));
    const sized = bytes.slice();
    const at = smallAt + 12 * terms + 8 * long + Math.floor(docs / 2);
    sized[at] = sized[at]! ^ 0x40;
    writeFileSync(file, sized);
    expect(openTextIndexFile(file, epochOf(reader), { whole: true })).toBeNull();
    expect(openTextIndexFile(file, epochOf(reader))).toBeNull();
  });

  test("a file read term by term checks the lists at every read: bytes changed in place after a first search fail the next one", async () => {
    const { reader, path } = setup(200);
    await published(path);
    const file = fileOf(path);
    const index = openTextIndexFile(file, epochOf(reader))!;
    const search = () => QUERIES.map((q) => indexRanker(reader, index, buildKeywordQuery(q).match!)?.(10));
    const before = search();
    expect(before.some((r) => (r?.length ?? 0) > 0)).toBe(true);
    // Every byte of the lists flipped, in place (the same inode the index holds open).
    const bytes = new Uint8Array(readFileSync(file));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const listsLength = view.getUint32(40, true);
    for (let i = bytes.length - listsLength; i < bytes.length; i++) bytes[i] = bytes[i]! ^ 0x5a;
    const fd = openSync(file, "r+");
    try {
      writeSync(fd, bytes, 0, bytes.length, 0);
    } finally {
      closeSync(fd);
    }
    expect(search).toThrow(/checksum/);
    closeTextIndexFile(index);
  });

  test("a one-shot store counts and ranks keyword searches from the file: the same hits as FTS5, and FTS5 once it is unusable", async () => {
    const { store, path } = setup();
    const filter = { scope: { projects: null, includeGlobal: true } };
    const search = (s: SqliteStore) =>
      QUERIES.flatMap((q) => {
        const { match, terms, phrases } = buildKeywordQuery(q);
        const hits = (t?: string[]) => s.searchText(match!, filter, T0, 10, t).map((h) => [h.memory.id, h.score]);
        return [hits(), hits([...terms, ...phrases])]; // with its terms, the very common are dropped first
      });
    const viaFts = search(store);
    await published(path);
    /**
     * The hits of a fresh one-shot store, whether FTS5 ranked any of them, and whether it counted the terms of
     * a search of one-word terms only (phrases and prefixes are counted by FTS5 either way).
     */
    const oneShot = (keywordFileFrom: number) => {
      const s = new SqliteStore(path, { keywordFileFrom });
      closers.push(s);
      const spied = spyOn(Database.prototype, "query");
      try {
        const hits = search(s);
        const ranked = spied.mock.calls.some(([q]) => String(q).includes("ORDER BY rank"));
        spied.mockClear();
        const words = buildKeywordQuery("schema migration token router queue");
        s.searchText(words.match!, filter, T0, 10, words.terms);
        const counted = spied.mock.calls.some(([q]) => /count\(\*\).*MATCH/s.test(String(q)));
        return { hits, ranked, counted };
      } finally {
        spied.mockRestore();
      }
    };
    expect(oneShot(0)).toEqual({ hits: viaFts, ranked: false, counted: false });
    // Searches whose terms match fewer memories than the threshold (here 40 of 400): counted from the file,
    // ranked by FTS5. A store under ten times the threshold is not searched through the file at all.
    expect(oneShot(40)).toEqual({ hits: viaFts, ranked: true, counted: false });
    expect(oneShot(41)).toEqual({ hits: viaFts, ranked: true, counted: true });
    // Every list byte flipped: the first search that reads one fails its check, and FTS5 ranks from then on.
    const bytes = new Uint8Array(readFileSync(fileOf(path)));
    const lists = new DataView(bytes.buffer).getUint32(40, true);
    for (let i = bytes.length - lists; i < bytes.length; i++) bytes[i] = bytes[i]! ^ 0xff;
    writeFileSync(fileOf(path), bytes);
    expect(oneShot(0)).toEqual({ hits: viaFts, ranked: true, counted: true });
    // And the damaged file is gone, for the background worker to write again (it writes a missing one).
    expect(existsSync(fileOf(path))).toBe(false);
  });

  test("publishing over a file damaged in its lists writes it again, though its header and length are the index's", async () => {
    const { reader, path } = setup(200);
    await published(path);
    const file = fileOf(path);
    const good = new Uint8Array(readFileSync(file));
    const bad = good.slice();
    bad[bad.length - 5] = bad[bad.length - 5]! ^ 0x33;
    writeFileSync(file, bad);
    const { index, state } = await buildTextIndex(reader);
    expect(publishTextIndex(reader, path, index, state)).toBe(true);
    expect(new Uint8Array(readFileSync(file))).toEqual(good);
    // The same index over an intact file is left alone.
    expect(publishTextIndex(reader, path, index, state)).toBe(false);
  });

  test("a search in some projects leaves other projects' matches out before ranking: the same hits as FTS5, also once memories moved, came and went", async () => {
    const { store, engine, path } = emptyStore();
    const projects = ["alpha", "beta", "gamma", null];
    const remember = (i: number) => {
      const words = Array.from({ length: 3 + (i % 7) }, (_, j) => WORDS[(i * 5 + j * 3) % WORDS.length]);
      return engine.remember({ content: `${words.join(" ")} note ${i}`, project: projects[i % projects.length]!, tags: i % 6 === 0 ? ["ops"] : [] }).memory;
    };
    const memories = Array.from({ length: 320 }, (_, i) => remember(i));
    const key = (name: string) => memories.find((m) => m.content.endsWith(` note ${projects.indexOf(name)}`))!.project!;
    const [alpha, beta, gamma] = [key("alpha"), key("beta"), key("gamma")];
    const scopes = [
      { projects: [alpha], includeGlobal: true },
      { projects: [beta], includeGlobal: false },
      { projects: [alpha, gamma], includeGlobal: true },
      { projects: [], includeGlobal: true },
      { projects: null, includeGlobal: false },
    ];
    const search = (s: SqliteStore) =>
      scopes.flatMap((scope) => QUERIES.map((q) => s.searchText(buildKeywordQuery(q).match!, { scope }, T0, 400).map((h) => [h.memory.id, h.score])));
    const oneShot = () => {
      const s = new SqliteStore(path, { keywordFileFrom: 0 });
      closers.push(s);
      return search(s);
    };
    const index = await published(path);
    expect(oneShot()).toEqual(search(store));
    // The index itself leaves the other projects out: of every "deploy" match, only alpha's and the global ones.
    const reader = openReader(path);
    closers.push(reader);
    const match = buildKeywordQuery("deploy").match!;
    const all = indexRanker(reader, index, match)!(1_000).map((r) => r.seq);
    const scoped = indexRanker(reader, index, match, undefined, { projects: [alpha], global: true })!(1_000).map((r) => r.seq);
    const projectOf = new Map(reader.query("SELECT seq, project FROM memories").values() as Array<[number, string | null]>);
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.length).toBeLessThan(all.length);
    expect(scoped).toEqual(all.filter((seq) => projectOf.get(seq) === alpha || projectOf.get(seq) === null));
    // Memories moved from beta into alpha behind the store's back (a project re-keyed), new ones, one forgotten.
    const writer = new Database(path);
    closers.push(writer);
    expect(writer.query("UPDATE memories SET project = ? WHERE project = ? AND seq % 3 = 0").run(alpha, beta).changes).toBeGreaterThan(10);
    for (let i = 320; i < 340; i++) remember(i);
    engine.forget(memories[8]!.id);
    expect(oneShot()).toEqual(search(store));
  });

  test("projects past the 254 the file codes are searched as FTS5 searches them", async () => {
    const { engine, path } = emptyStore();
    const keys = Array.from({ length: 300 }, (_, i) => engine.remember({ content: `deploy cache rollback worker ${i}`, project: `p${String(i).padStart(3, "0")}` }).memory.project!);
    const index = await published(path);
    const reader = openReader(path);
    closers.push(reader);
    const match = buildKeywordQuery("deploy").match!;
    // p299 sorts last, with no code of its own: the 46 projects past the codes are kept for the SQL to decide,
    // in any search; p000 has a code, and the other 253 coded projects are left out.
    for (const [key, n] of [[keys[299]!, 46], [keys[0]!, 47]] as const) {
      expect(indexRanker(reader, index, match, undefined, { projects: [key], global: false })!(1_000)).toHaveLength(n);
      const s = new SqliteStore(path, { keywordFileFrom: 0 });
      closers.push(s);
      const hits = s.searchText(match, { scope: { projects: [key], includeGlobal: false } }, T0, 10).map((h) => h.memory.project);
      expect(hits).toEqual([key]);
    }
  });

  test("documents of 255 tokens or more rank by their exact size, from the file as in memory", async () => {
    const { store, engine, path } = setup(200);
    // Sizes around the byte's limit (254 fits, 255 and more are kept apart), each with "deploy" once.
    for (const n of [254, 255, 256, 300, 8_000]) engine.remember({ content: `deploy ${Array.from({ length: n - 1 }, (_, i) => WORDS[i % WORDS.length]).join(" ")}` });
    const match = buildKeywordQuery("deploy").match!;
    const viaFts = store.searchText(match, { scope: { projects: null, includeGlobal: true } }, T0, 100).map((h) => [h.memory.id, h.score]);
    const index = await published(path);
    const reader = openReader(path);
    closers.push(reader);
    const fromFile = new SqliteStore(path, { keywordFileFrom: 0 });
    closers.push(fromFile);
    expect(fromFile.searchText(match, { scope: { projects: null, includeGlobal: true } }, T0, 100).map((h) => [h.memory.id, h.score])).toEqual(viaFts);
    expectSameRanks(reader, index);
  });

  test("a one-shot store that finds no file it can use says so (its command then starts the worker that writes one)", async () => {
    const { path } = setup(100);
    const wanted = (keywordFileFrom: number, readOnly = false) => {
      const s = new SqliteStore(path, { keywordFileFrom, readOnly });
      closers.push(s);
      s.searchText(buildKeywordQuery("deploy").match!, { scope: { projects: null, includeGlobal: true } }, T0, 10);
      return s.keywordFileWanted;
    };
    expect(wanted(0)).toBe(true); // none yet
    expect(wanted(0, true)).toBe(false); // a store that takes no writes: no worker could write it
    const inMemory = new SqliteStore(":memory:", { keywordFileFrom: 0 });
    closers.push(inMemory);
    new Engine({ store: inMemory, project: "/work/app", actor: "test", now: () => T0 }).remember({ content: "deploy the cache" });
    inMemory.searchText(buildKeywordQuery("deploy").match!, { scope: { projects: null, includeGlobal: true } }, T0, 10);
    expect(inMemory.keywordFileWanted).toBe(false); // no place for a file
    expect(wanted(11)).toBe(false); // a store too small for the file: FTS5 ranks, nothing is wanted
    await published(path);
    expect(wanted(0)).toBe(false);
    // A file of an earlier format version: not used, wanted again.
    const bytes = new Uint8Array(readFileSync(fileOf(path)));
    new DataView(bytes.buffer).setUint32(8, 2, true);
    writeFileSync(fileOf(path), bytes);
    expect(wanted(0)).toBe(true);
  });

  test("a purge removes the file, and a build that read before a purge withdraws what it writes", async () => {
    const { path, engine, ids } = setup(100);
    const conn = openReader(path);
    closers.push(conn);
    const { index, state } = await buildTextIndex(conn);
    engine.forget(ids[1]!, { hard: true });
    expect(publishTextIndex(conn, path, index, state)).toBe(false);
    expect(existsSync(fileOf(path))).toBe(false);
    await published(path);
    expect(existsSync(fileOf(path))).toBe(true);
    engine.forget(ids[2]!, { hard: true });
    expect(existsSync(fileOf(path))).toBe(false);
  });

  test("an encrypted store's blind index ranks as FTS5 does, caught up through the key; a one-shot store ranks from its file", async () => {
    const { store, reader, path, engine, ids } = setup(400, true);
    const { codec } = store;
    const index = await published(path);
    const blindRanks = () => {
      let matched = 0;
      for (const q of QUERIES) {
        const match = codec.indexQuery(buildKeywordQuery(q).match!);
        const want = ftsRanks(reader, match);
        matched += want.size;
        expect({ q, ranks: reader.transaction(() => indexRanks(reader, index, match)).deferred() }).toEqual({ q, ranks: want });
      }
      expect(matched).toBeGreaterThan(500);
    };
    blindRanks();
    // Changed and new memories: their texts are read through the key, as FTS5 was given them.
    engine.remember({ content: "deploy the cache router twice: deploy deploy", tags: ["cache"] });
    engine.update(ids[3]!, { content: "now about caching tokens only", tags: ["deploy"] });
    expect(reader.transaction(() => catchUp(reader, index, 100, codec)).deferred()).toBe(true);
    expect(index.changed).toBe(2);
    blindRanks();
    // A one-shot store ranks from the file (no FTS5 ranking), caught up through its key: FTS5's hits.
    const filter = { scope: { projects: null, includeGlobal: true } };
    const search = (s: SqliteStore) => QUERIES.map((q) => s.searchText(buildKeywordQuery(q).match!, filter, T0, 10).map((h) => [h.memory.id, h.score]));
    const viaFts = search(store);
    const oneShot = new SqliteStore(path, { codec, keywordFileFrom: 0 });
    closers.push(oneShot);
    const spied = spyOn(Database.prototype, "query");
    try {
      expect(search(oneShot)).toEqual(viaFts);
      expect(spied.mock.calls.some(([q]) => String(q).includes("ORDER BY rank"))).toBe(false);
    } finally {
      spied.mockRestore();
    }
    for (const word of ["deploy", "caching", "router"]) expect(readFileSync(fileOf(path)).includes(word)).toBe(false);
  });

  test("a build that read before the store was encrypted does not leave its words in a file", async () => {
    const { store, path } = setup(100);
    const conn = openReader(path);
    closers.push(conn);
    const { index, state } = await buildTextIndex(conn);
    const { codec, newRecord } = encryptedOptions(undefined, path);
    store.recode(codec, newRecord);
    expect(publishTextIndex(conn, path, index, state)).toBe(false);
    expect(existsSync(fileOf(path))).toBe(false);
  });

  test("a database replaced by an older copy of itself, then written to: the file is not caught up past writes it never saw", async () => {
    const { store, path } = setup(200);
    store.database.run("PRAGMA wal_checkpoint(TRUNCATE)");
    store.close();
    const copy = `${path}.copy`;
    copyFileSync(path, copy);
    // The lost history: three notes, then the file written with them.
    const later = new SqliteStore(path);
    const laterEngine = new Engine({ store: later, project: "/work/app", actor: "test", now: () => T0 });
    for (let i = 0; i < 3; i++) laterEngine.remember({ content: `zebra crossing ${i}` });
    await published(path);
    later.close();
    // The older copy comes back and gets as many writes: the log reaches the file's id again, under other stamps.
    for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    copyFileSync(copy, path);
    const back = new SqliteStore(path);
    closers.push(back);
    const backEngine = new Engine({ store: back, project: "/work/app", actor: "test", now: () => T0 });
    for (let i = 0; i < 3; i++) backEngine.remember({ content: `yak shaving ${i}` });
    const reader = openReader(path);
    closers.push(reader);
    const index = openTextIndexFile(fileOf(path), epochOf(reader))!;
    expect(index).not.toBeNull();
    expect(textLogHeadOf(reader)).toEqual(index.log.id);
    expect(reader.transaction(() => catchUp(reader, index, 100)).deferred()).toBe(false);
    expect(keywordFileState(back)?.kind).toBe("stale");
    backEngine.remember({ content: "one more yak note" });
    expect(textLogHeadOf(reader)).toEqual(index.log.id + 1);
    expect(keywordFileState(back)?.kind).toBe("stale");
    // A one-shot search consulting the file answers as FTS5 does: no zebra, every yak.
    const oneShot = new SqliteStore(path, { keywordFileFrom: 0 });
    closers.push(oneShot);
    const filter = { scope: { projects: null, includeGlobal: true } };
    const found = (q: string) => oneShot.searchText(buildKeywordQuery(q).match!, filter, T0, 10).map((h) => h.memory.content).sort();
    expect(found("zebra")).toEqual([]);
    expect(found("yak")).toEqual(["one more yak note", "yak shaving 0", "yak shaving 1", "yak shaving 2"]);
    // Written again, it is this history's.
    expect(await refreshKeywordFile(back, 0, 1)).toBe(true);
    expect(keywordFileState(back)).toEqual({ path: fileOf(path), kind: "fresh", behind: 0 });
  });

  test("a file written before stamps (zero in its header) is still used and caught up, on its log id alone", async () => {
    const { reader, path, engine } = setup(200);
    const conn = openReader(path);
    closers.push(conn);
    const { index, state } = await buildTextIndex(conn);
    index.log = { id: index.log.id, stamp: 0 };
    expect(publishTextIndex(conn, path, index, state)).toBe(true);
    engine.remember({ content: "deploy the cache router again" });
    const file = openTextIndexFile(fileOf(path), epochOf(reader))!;
    expect(file.log.stamp).toBe(0);
    expect(reader.transaction(() => catchUp(reader, file, 100)).deferred()).toBe(true);
    expect(file.log.stamp).not.toBe(0); // caught up to a stamped entry: checked from here on
    expectSameRanks(reader, file);
    closeTextIndexFile(file);
  });

  test("the background worker's refresh writes the file for a large enough store when missing, damaged or far behind", async () => {
    const { store, path, engine } = setup(60);
    expect(await refreshKeywordFile(store, 2, 100)).toBe(false); // 60 memories: below the size it is for
    expect(existsSync(fileOf(path))).toBe(false);
    expect(await refreshKeywordFile(store, 2, 50)).toBe(true);
    expect(keywordFileState(store)).toEqual({ path: fileOf(path), kind: "fresh", behind: 0 });
    for (let i = 0; i < 2; i++) engine.remember({ content: `a later deploy note ${i}` });
    expect(await refreshKeywordFile(store, 2, 50)).toBe(false); // 2 behind: one-shots catch up
    engine.remember({ content: "one deploy note too many" });
    expect(keywordFileState(store)?.behind).toBe(3);
    expect(await refreshKeywordFile(store, 2, 50)).toBe(true);
    expect(keywordFileState(store)?.behind).toBe(0);
    // A file of another format version (an earlier cairn's) is outdated, and written again.
    const bytes = new Uint8Array(readFileSync(fileOf(path)));
    new DataView(bytes.buffer).setUint32(8, new DataView(bytes.buffer).getUint32(8, true) - 1, true);
    writeFileSync(fileOf(path), bytes);
    expect(keywordFileState(store)?.kind).toBe("outdated");
    expect(await refreshKeywordFile(store, 2, 50)).toBe(true);
    expect(keywordFileState(store)?.kind).toBe("fresh");
    writeFileSync(fileOf(path), "not an index");
    expect(keywordFileState(store)?.kind).toBe("damaged");
    expect(await refreshKeywordFile(store, 2, 50)).toBe(true);
    expect(keywordFileState(store)?.kind).toBe("fresh");
  });
});
