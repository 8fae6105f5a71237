/**
 * @module Keyword search on the search thread (store/search-thread.ts): the same hits as on the main
 * connection, what was just committed, the main connection inside a transaction, a replaced file, and a
 * failing thread that the store stops using.
 */
import { afterEach, describe, expect, spyOn, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { SearchThread } from "../../src/store/search-thread.ts";
import { PLAIN_CODEC } from "../../src/store/content-codec.ts";
import { filterToSql } from "../../src/store/filter-sql.ts";
import type { MemoryFilter } from "../../src/domain/memory.ts";
import { encryptedOptions, T0 } from "../helpers/engine.ts";

const WORDS = ["cache", "queue", "index", "schema", "router", "worker", "token", "bucket"];
const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fileStore(dir: string, name = "cairn.db", encrypted = false): { store: SqliteStore; engine: Engine } {
  const path = join(dir, name);
  const store = new SqliteStore(path, { searchThreadFrom: 0, ...(encrypted ? encryptedOptions(undefined, path) : {}) });
  stores.push(store);
  const engine = new Engine({ store, project: "/work/app", actor: "test", now: () => T0 });
  return { store, engine };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cairn-search-thread-"));
  dirs.push(dir);
  return dir;
}

/** The keyword index files in `dir` this process holds open (its threads included): names, "(deleted)" when unlinked. */
function openKeywordFiles(dir: string): string[] {
  const names: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    let target = "";
    try {
      target = readlinkSync(join("/proc/self/fd", fd));
    } catch {
      continue; // closed meanwhile
    }
    if (target.startsWith(`${dir}/keywords.idx`)) names.push(basename(target));
  }
  return names;
}

const app: MemoryFilter = { scope: { projects: ["/work/app"], includeGlobal: true } };
const ids = (hits: Array<{ memory: { id: string } }>) => hits.map((h) => h.memory.id);

describe("searchTextSoon on the search thread", () => {
  test("finds what searchText finds, in the same order and with the same scores", async () => {
    const { store, engine } = fileStore(tempDir());
    for (let i = 0; i < 300; i++) {
      engine.remember({ content: `deploy ${WORDS[i % 8]} ${WORDS[(i * 3) % 8]} step ${i}`, project: i % 3 === 0 ? "/work/other" : "/work/app" });
    }
    for (const match of ['"deploy" OR "cache"', '"router"', '"queue" OR "token" OR "missing"']) {
      const here = store.searchText(match, app, T0 + 1000, 40);
      const there = await store.searchTextSoon(match, app, T0 + 1000, 40);
      expect(here.length).toBeGreaterThan(0);
      expect(ids(there)).toEqual(ids(here));
      expect(there.map((h) => h.score)).toEqual(here.map((h) => h.score));
      expect(there.every((h) => h.memory.project !== "/work/other")).toBe(true);
    }
    // With its terms, the very common ones dropped first ("deploy" is in every memory), as in process.
    const terms = ['"deploy"', '"cache"'];
    const dropped = await store.searchTextSoon('"deploy" OR "cache"', app, T0 + 1000, 120, terms);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((h) => h.memory.content.includes("cache"))).toBe(true);
    expect(ids(dropped)).toEqual(ids(store.searchText('"deploy" OR "cache"', app, T0 + 1000, 120, terms)));
  });

  test("an encrypted store: the thread matches blind index terms and the main thread decodes the rows", async () => {
    const { store, engine } = fileStore(tempDir(), "cairn.db", true);
    const id = engine.remember({ content: "the zeppelin deploy needs a helium check", project: "/work/app" }).id;
    engine.remember({ content: "an unrelated note about bread", project: "/work/app" });
    const hits = await store.searchTextSoon('"zeppelin" OR "helium"', app, T0 + 1000, 10);
    expect(ids(hits)).toEqual([id]);
    expect(hits[0]!.memory.content).toBe("the zeppelin deploy needs a helium check");
    expect(hits.map((h) => h.score)).toEqual(store.searchText('"zeppelin" OR "helium"', app, T0 + 1000, 10).map((h) => h.score));
  });

  test("sees a memory as soon as it is committed, and uncommitted ones inside a transaction", async () => {
    const { store, engine } = fileStore(tempDir());
    engine.remember({ content: "the first note about nothing much" });
    expect(await store.searchTextSoon('"zeppelin"', app, T0 + 1000, 10)).toEqual([]);
    const id = engine.remember({ content: "the zeppelin deploy needs a helium check" }).id;
    expect(ids(await store.searchTextSoon('"zeppelin"', app, T0 + 1000, 10))).toEqual([id]);
    // Inside a transaction the row is not committed: the thread cannot see it, the main connection can.
    let inside: string[] = [];
    const pending = store.transaction(() => {
      const second = engine.remember({ content: "a second zeppelin note" }).id;
      const p = store.searchTextSoon('"zeppelin"', app, T0 + 1000, 10).then((h) => (inside = ids(h)));
      return { second, p };
    });
    await pending.p;
    expect(inside.sort()).toEqual([id, pending.second].sort());
  });

  test("follows the file when it is replaced under the process", async () => {
    const dir = tempDir();
    const { store, engine } = fileStore(dir);
    engine.remember({ content: "the old file's walrus note" });
    expect(ids(await store.searchTextSoon('"walrus"', app, T0 + 1000, 10))).toHaveLength(1);
    // Another store written beside it, then moved over the first one's path.
    const other = fileStore(dir, "other.db");
    const fresh = other.engine.remember({ content: "the new file's walrus and narwhal note" }).id;
    other.store.close();
    for (const ext of ["-wal", "-shm"]) rmSync(join(dir, `other.db${ext}`), { force: true });
    renameSync(join(dir, "other.db"), join(dir, "cairn.db"));
    expect(ids(await store.searchTextSoon('"narwhal"', app, T0 + 1000, 10))).toEqual([fresh]);
    expect(ids(await store.searchTextSoon('"walrus"', app, T0 + 1000, 10))).toEqual([fresh]);
  });
});

describe("when a store runs the thread", () => {
  test("only from the given file size: smaller stores search on their main connection", async () => {
    const dir = tempDir();
    const first = fileStore(dir);
    first.engine.remember({ content: "a note to give the file its size" });
    expect(first.store.searchesOnThread).toBe(true);
    first.store.close();
    const path = join(dir, "cairn.db");
    const size = Bun.file(path).size;
    const under = new SqliteStore(path, { searchThreadFrom: size + 1 });
    stores.push(under);
    expect(under.searchesOnThread).toBe(false);
    expect((await under.searchTextSoon('"note"', app, T0 + 1000, 5)).length).toBe(1);
    const at = new SqliteStore(path, { searchThreadFrom: size });
    stores.push(at);
    expect(at.searchesOnThread).toBe(true);
    const memory = new SqliteStore(":memory:", { searchThreadFrom: 0 });
    stores.push(memory);
    expect(memory.searchesOnThread).toBe(false);
  });
});

describe("SearchThread", () => {
  test("ranks from its in-memory index once built, with FTS5's hits and ranks, and follows writes", async () => {
    const { store, engine } = fileStore(tempDir());
    const made: string[] = [];
    for (let i = 0; i < 200; i++) made.push(engine.remember({ content: `deploy ${WORDS[i % 8]} ${WORDS[(i * 3) % 8]} step ${i}`, project: i % 3 === 0 ? "/work/other" : "/work/app" }).id);
    const thread = SearchThread.start()!;
    try {
      const where = filterToSql(app, T0 + 1000, PLAIN_CODEC);
      const ask = (match: string) => thread.search({ path: store.location, generation: 0, match, where, limit: 20, rate: 1, indexed: true });
      const rows = (r: Awaited<ReturnType<typeof ask>>) => r.hits.map((h) => [h.row.id, h.rank]);
      const here = (match: string) => store.searchText(match, app, T0 + 1000, 20).map((h) => [h.memory.id, -h.score]);
      expect((await ask('"cache"')).indexed).toBe(false); // the first search starts the build
      let reply = await ask('"cache" OR "deploy"');
      for (let i = 0; i < 200 && !reply.indexed; i++) reply = await Bun.sleep(25).then(() => ask('"cache" OR "deploy"'));
      expect(reply.indexed).toBe(true);
      expect(rows(reply)).toEqual(here('"cache" OR "deploy"'));
      // Built, it is written beside the database for one-shot processes; a purge removes the file.
      const file = join(dirname(store.location), "keywords.idx");
      expect(existsSync(file)).toBe(true);
      // The threads (this one and the store's own) now read their lists from that file, held open.
      expect(openKeywordFiles(dirname(file))).toContain("keywords.idx");
      const fresh = engine.remember({ content: "cache cache cache deploy", project: "/work/app" }).id;
      const secret = engine.remember({ content: "deploy zanzibarquartz cache", project: "/work/app" }).id;
      reply = await ask('"zanzibarquartz"');
      expect(reply.indexed).toBe(true);
      expect(reply.hits.map((h) => h.row.id)).toEqual([secret]);
      // A purge deletes the file; the thread lets go of it (the deleted file is no longer held on disk), answers
      // through FTS5 meanwhile, and builds and writes the index again, without the purged words.
      engine.forget(secret, { hard: true });
      engine.forget(made[1]!, { hard: true });
      expect(existsSync(file)).toBe(false);
      let after = await ask('"cache" OR "deploy"');
      expect(rows(after)).toEqual(here('"cache" OR "deploy"'));
      for (let i = 0; i < 200 && !after.indexed; i++) after = await Bun.sleep(25).then(() => ask('"cache" OR "deploy"'));
      expect(after.indexed).toBe(true);
      expect(rows(after)[0]![0]).toBe(fresh);
      expect(rows(after)).toEqual(here('"cache" OR "deploy"'));
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file).includes("zanzibarquartz")).toBe(false);
      // The store's thread, which searched nothing since, lets go of the deleted file within a few seconds too.
      const held = () => openKeywordFiles(dirname(file)).filter((n) => n !== "keywords.idx");
      for (let i = 0; i < 200 && held().length > 0; i++) await Bun.sleep(25);
      expect(held()).toEqual([]);
      expect((await ask('"zanzibarquartz"')).hits).toEqual([]);
      // With its terms, the thread drops those most memories hold ("deploy": all of them), counted from its index.
      const terms = ['"deploy"', '"cache"'];
      const dropped = await thread.search({ path: store.location, generation: 0, match: '"deploy" OR "cache"', terms, where, limit: 20, rate: 1, indexed: true });
      expect(dropped.indexed).toBe(true);
      expect(dropped.hits.length).toBeGreaterThan(0);
      expect(dropped.hits.every((h) => h.row.content.includes("cache"))).toBe(true);
      expect(rows(dropped)).toEqual(store.searchText('"deploy" OR "cache"', app, T0 + 1000, 20, terms).map((h) => [h.memory.id, -h.score]));
      // A request that does not allow the index is answered by FTS5.
      expect((await thread.search({ path: store.location, generation: 0, match: '"cache"', where, limit: 5, rate: 1 })).indexed).toBe(false);
    } finally {
      thread.close();
    }
  });


  test("an encrypted store: the index is built from the blind tokens, changed memories are read through the key, no word reaches the file", async () => {
    const dir = tempDir();
    const { store, engine } = fileStore(dir, "cairn.db", true);
    const made: string[] = [];
    for (let i = 0; i < 200; i++) made.push(engine.remember({ content: `deploy ${WORDS[i % 8]} ${WORDS[(i * 3) % 8]} step ${i}`, project: "/work/app" }).id);
    const thread = SearchThread.start()!;
    try {
      const { codec } = store;
      const where = filterToSql(app, T0 + 1000, codec);
      const ask = (match: string) => thread.search({ path: store.location, generation: 0, match: codec.indexQuery(match), where, limit: 20, rate: 1, indexed: true, key: codec.threadKey()! });
      const rows = (r: Awaited<ReturnType<typeof ask>>) => r.hits.map((h) => [h.row.id, h.rank]);
      const here = (match: string) => store.searchText(match, app, T0 + 1000, 20).map((h) => [h.memory.id, -h.score]);
      let reply = await ask('"cache" OR "deploy"');
      for (let i = 0; i < 200 && !reply.indexed; i++) reply = await Bun.sleep(25).then(() => ask('"cache" OR "deploy"'));
      expect(reply.indexed).toBe(true);
      expect(rows(reply)).toEqual(here('"cache" OR "deploy"'));
      // A changed memory and a new one: the index reads their texts through the key, as FTS5 was given them.
      engine.update(made[7]!, { content: "deploy zanzibarquartz now" });
      const fresh = engine.remember({ content: "zanzibarquartz cache cache", project: "/work/app" }).id;
      reply = await ask('"zanzibarquartz" OR "cache"');
      expect(reply.indexed).toBe(true);
      expect(rows(reply)).toEqual(here('"zanzibarquartz" OR "cache"'));
      expect(reply.hits.map((h) => h.row.id)).toContain(made[7]!);
      expect(reply.hits.map((h) => h.row.id)).toContain(fresh);
      // The file the thread wrote holds keyed hashes of tokens only.
      const file = readFileSync(join(dir, "keywords.idx"));
      for (const word of ["deploy", "cache", "step", "zanzibarquartz", "/work/app"]) expect(file.includes(word)).toBe(false);
    } finally {
      thread.close();
    }
  });

  test("a thread that finds the keyword index file starts from it, caught up, instead of building", async () => {
    const { store, engine } = fileStore(tempDir());
    for (let i = 0; i < 120; i++) engine.remember({ content: `deploy ${WORDS[i % 8]} ${WORDS[(i * 5) % 8]} note ${i}`, project: "/work/app" });
    const where = filterToSql(app, T0 + 1000, PLAIN_CODEC);
    const file = join(dirname(store.location), "keywords.idx");
    /** Asks a fresh thread until it answers from its index; its hits. */
    const indexedHits = async (match: string) => {
      const thread = SearchThread.start()!;
      try {
        const ask = () => thread.search({ path: store.location, generation: 0, match, where, limit: 20, rate: 1, indexed: true });
        let reply = await ask();
        for (let i = 0; i < 200 && !reply.indexed; i++) reply = await Bun.sleep(25).then(ask);
        expect(reply.indexed).toBe(true);
        return reply.hits.map((h) => [h.row.id, h.rank]);
      } finally {
        thread.close();
      }
    };
    await indexedHits('"cache"'); // built and written
    const written = readFileSync(file);
    engine.remember({ content: "cache cache cache: the newest note", project: "/work/app" });
    // A second thread loads the file and catches up: its hits are FTS5's, and it writes nothing (a thread that
    // built again would write the index at the log's new position).
    const here = store.searchText('"cache"', app, T0 + 1000, 20).map((h) => [h.memory.id, -h.score]);
    expect(await indexedHits('"cache"')).toEqual(here);
    expect(readFileSync(file).equals(written)).toBe(true);
  });

  test("a search that fails on the thread rejects with its error, and the thread answers the next one", async () => {
    const thread = SearchThread.start()!;
    expect(thread).not.toBeNull();
    try {
      const where = filterToSql(app, T0, PLAIN_CODEC);
      const request = { generation: 0, match: '"x"', where, limit: 5, rate: 1 };
      await expect(thread.search({ ...request, path: join(tempDir(), "absent.db") })).rejects.toThrow();
      const { store, engine } = fileStore(tempDir());
      engine.remember({ content: "an x marks the spot" });
      const reply = await thread.search({ ...request, path: store.location, generation: 1 });
      expect(reply.hits.map((h) => h.row.content)).toEqual(["an x marks the spot"]);
    } finally {
      thread.close();
    }
    await expect(thread.search({ path: "x", generation: 0, match: '"x"', where: filterToSql(app, T0, PLAIN_CODEC), limit: 5, rate: 1 })).rejects.toThrow(/closed/);
  });
});

test("rememberSoon searches the nearest memories on the thread and gives what remember gives: duplicates, rewordings, changes and conflicts", async () => {
  const statements = [
    "We deploy the web app with Helm charts from the infra repo.",
    "The payments service keeps its sessions in Redis.",
    "Staging runs on a single t3.large instance.",
    "We deploy the web app with Helm charts from the infra repo.",
    "We moved deploys of the web app from Helm to Argo CD.",
    "The payments service keeps its sessions in Redis, with a 30 minute TTL.",
    "Staging now runs on two t3.xlarge instances.",
    "Sessions of the payments service are kept in Redis.",
  ];
  const plain = (x: object) => JSON.parse(JSON.stringify(x, (k, v) => (k === "id" || k === "memory" ? undefined : v)));
  const run = async (soon: boolean) => {
    const onMain = spyOn(SqliteStore.prototype, "searchText");
    try {
      const { engine } = fileStore(tempDir());
      for (let i = 0; i < 40; i++) engine.remember({ content: `note ${i} on the ${WORDS[i % WORDS.length]} of the web app` });
      onMain.mockClear();
      const results = [];
      for (const content of statements) results.push(plain(soon ? await engine.rememberSoon({ content, type: "fact" }) : engine.remember({ content, type: "fact" })));
      return { results, searchedHere: onMain.mock.calls.length };
    } finally {
      onMain.mockRestore();
    }
  };
  const sync = await run(false);
  const soon = await run(true);
  expect(soon.results).toEqual(sync.results);
  expect(sync.results.map((r) => r.status)).toContain("duplicate");
  expect(sync.results.some((r) => r.superseded || r.conflicts)).toBe(true);
  expect(sync.searchedHere).toBe(statements.length);
  expect(soon.searchedHere).toBe(0);
});

test("the time channel finds the event a query is placed around on the thread", async () => {
  const onMain = spyOn(SqliteStore.prototype, "searchText");
  try {
    const { engine } = fileStore(tempDir());
    const day = 86_400_000;
    for (const [content, days] of [["Hiked up the ridge trail with the kids", 0], ["We got back from the road trip to the coast", 30], ["Hiked the ridge trail again, longer this time", 40]] as const) {
      engine.remember({ content, eventTime: T0 - 100 * day + days * day });
    }
    for (const w of WORDS) engine.remember({ content: `a note on the ${w}`, eventTime: T0 - 400 * day });
    onMain.mockClear();
    const top = async (query: string) => (await engine.recall({ query, mode: "keyword", track: false })).results[0]?.memory.content;
    expect(await top("hiked the ridge trail after the road trip")).toBe("Hiked the ridge trail again, longer this time");
    expect(await top("hiked the ridge trail before the road trip")).toBe("Hiked up the ridge trail with the kids");
    expect(onMain.mock.calls.length).toBe(0);
  } finally {
    onMain.mockRestore();
  }
});
