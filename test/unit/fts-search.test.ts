/**
 * @module Keyword search under a selective filter: when most of the best matches belong to another project,
 * the widening search must still return exactly the filter's best matches, in BM25 order.
 */
import { describe, expect, test } from "bun:test";
import { indexedDocs } from "../../src/store/term-stats.ts";
import { filterToSql } from "../../src/store/filter-sql.ts";
import { ftsSearch } from "../../src/store/fts.ts";
import { PLAIN_CODEC } from "../../src/store/content-codec.ts";
import { T0, testEngine } from "../helpers/engine.ts";

const WORDS = ["cache", "queue", "index", "schema", "router", "worker", "token", "bucket", "shard", "replica"];

describe("ftsSearch with a selective filter", () => {
  test("returns the same top matches as ranking everything and filtering afterwards", () => {
    // Raw FTS5 matches and a plain filter: the store's words must be in the clear.
    const { engine, advance, store: sqlite } = testEngine({ project: "/work/big", encrypted: false });
    // Distinct creation times: equal BM25 scores are then ordered the same way by both searches.
    for (let i = 0; i < 900; i++, advance(1)) {
      engine.remember({ content: `deploy ${WORDS[i % 10]} ${WORDS[(i * 7) % 10]} step ${i}`, project: "/work/big" });
    }
    for (let i = 0; i < 30; i++, advance(1)) {
      engine.remember({ content: `deploy ${WORDS[(i * 3) % 10]} rollout note ${i}${i % 4 === 0 ? " deploy again" : ""}`, project: "/work/small" });
    }
    const store = engine.store;
    const everything = store.searchText('"deploy" OR "rollout"', { scope: { projects: null, includeGlobal: true } }, T0 + 10_000, 10_000);
    const expected = everything.filter((h) => h.memory.project === "/work/small").slice(0, 12);
    const got = store.searchText('"deploy" OR "rollout"', { scope: { projects: ["/work/small"], includeGlobal: false } }, T0 + 10_000, 12);
    expect(got.map((h) => h.memory.id)).toEqual(expected.map((h) => h.memory.id));
    expect(got.map((h) => h.score)).toEqual(expected.map((h) => h.score));
    // Searches with the same filter start from the pass rate the first one met: same answer, and for any
    // rate a search could have remembered (too low: more rows checked; too high: more rounds).
    const small = { scope: { projects: ["/work/small"], includeGlobal: false } };
    const where = filterToSql(small, T0 + 10_000, PLAIN_CODEC);
    for (const rate of [1, 0.5, 1 / 31, 0]) {
      const seen = { rate };
      const hits = ftsSearch(sqlite.database, '"deploy" OR "rollout"', where, 12, seen);
      expect(hits.map((h) => h.row.id)).toEqual(expected.map((h) => h.memory.id));
      // What this search met (some of the best matches passed), whatever it was told.
      expect(seen.rate).toBeGreaterThan(0);
      expect(seen.rate).toBeLessThanOrEqual(1);
    }
    expect(store.searchText('"deploy" OR "rollout"', small, T0 + 10_000, 12).map((h) => h.memory.id)).toEqual(expected.map((h) => h.memory.id));
    // A filter nothing passes still ends (every match was checked) with nothing.
    expect(store.searchText('"deploy"', { scope: { projects: ["/work/none"], includeGlobal: false } }, T0 + 10_000, 12)).toEqual([]);
  });
});

describe("indexedDocs", () => {
  test("reads the index's document count, through inserts, edits and purges", () => {
    const { engine, store } = testEngine();
    const count = () => (store.database.query("SELECT count(*) AS n FROM memories_fts_docsize").get() as { n: number }).n;
    expect(indexedDocs(store.database)).toBe(0);
    const ids = Array.from({ length: 300 }, (_, i) => engine.remember({ content: `note ${i} about ${WORDS[i % 10]}` }).id);
    expect(indexedDocs(store.database)).toBe(300);
    for (const [i, id] of ids.slice(0, 40).entries()) engine.update(id, { content: `rewritten note ${i}` });
    for (const id of ids.slice(100, 170)) engine.forget(id, { hard: true });
    expect(indexedDocs(store.database)).toBe(230);
    expect(indexedDocs(store.database)).toBe(count());
  });
});
