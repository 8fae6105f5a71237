/** @module The safe FTS5 query builder: any text yields a valid MATCH expression that finds what it should. */
import { describe, expect, test } from "bun:test";
import { Engine } from "../../src/engine/engine.ts";
import { buildKeywordQuery } from "../../src/retrieve/fts-query.ts";
import { testEngine } from "../helpers/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

const HOSTILE = [
  '"unbalanced',
  "NEAR(a b)",
  "a AND OR NOT b",
  "(((",
  "*",
  "-foo",
  "col:val",
  "content:secret",
  "^start",
  "a + b",
  "'; DROP TABLE memories; --",
  "🎉🔥 emoji",
  "\u0000\u0001control",
  "日本語",
  "{}[]<>|\\/",
  "",
  "   ",
  "NOT",
  "AND",
  '""',
  "x".repeat(5000),
];

describe("buildKeywordQuery", () => {
  const store = new SqliteStore(":memory:");
  const engine = new Engine({ store, project: "/p" });
  engine.remember({ content: "We use pnpm workspaces, not npm" });
  engine.remember({ content: "日本語のテストです" });
  engine.remember({ content: "node-gyp failed: python3 missing in PATH" });

  test.each(HOSTILE.map((t) => [t.length > 40 ? `${t.slice(0, 20)}… (${t.length} chars)` : t, t]))("never raises an FTS syntax error: %p", async (_label, text) => {
    const q = buildKeywordQuery(text);
    if (q.match !== null) expect(() => store.searchText(q.match!, { scope: { projects: null, includeGlobal: true } }, Date.now(), 5)).not.toThrow();
  });

  test("random printable and unicode garbage never raises", () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = ' "\'*-+^():{}[]ANDORNOTNEAR日本🎉\\/.,;abc';
    for (let i = 0; i < 500; i++) {
      let text = "";
      const len = Math.floor(rand() * 30);
      for (let j = 0; j < len; j++) text += alphabet[Math.floor(rand() * alphabet.length)];
      const q = buildKeywordQuery(text);
      if (q.match === null) continue;
      expect(() => store.searchText(q.match!, { scope: { projects: null, includeGlobal: true } }, Date.now(), 5)).not.toThrow();
    }
  });

  test("FTS operators in the input are searched as words", async () => {
    const r = await engine.recall({ query: "NOT pnpm" });
    expect(r.results.map((x) => x.memory.content)).toContain("We use pnpm workspaces, not npm");
  });

  test("compound tokens become phrases", () => {
    expect(buildKeywordQuery("node-gyp").match).toBe('"node gyp"');
    expect(buildKeywordQuery("src/app.ts").match).toBe('"src app ts"');
  });

  test("CJK runs are searchable by substring", async () => {
    const r = await engine.recall({ query: "日本" });
    expect(r.results[0]?.memory.content).toBe("日本語のテストです");
    expect(buildKeywordQuery("日本").match).toBe('"日 本"');
  });

  test("a question written without spaces finds the memory sharing most of its character pairs (QA)", async () => {
    const local = new Engine({ store: new SqliteStore(":memory:"), project: "/p" });
    for (const content of ["金曜日には請求サービスをデプロイしない。", "周五不要部署计费服务，值班人员不足。", "We deploy billing on Tuesdays."]) local.remember({ content });
    const top = async (query: string) => (await local.recall({ query, mode: "keyword", track: false })).results[0]?.memory.content;
    expect(await top("請求サービスのデプロイ")).toBe("金曜日には請求サービスをデプロイしない。");
    expect(await top("今天周五，可以部署计费服务吗？")).toBe("周五不要部署计费服务，值班人员不足。");
    // Pairs within each run, none across punctuation; other words of the chunk stay terms of their own.
    expect(buildKeywordQuery("日本語，東京").terms).toEqual(['"日 本"', '"本 語"', '"東 京"']);
    expect(buildKeywordQuery("API请求").terms).toEqual(['"请 求"', '"api"']);
    // Pairs holding Japanese grammar (hiragana) are left out when the run has others: no note is found by "スの" alone.
    expect(buildKeywordQuery("サービスの再起動").terms).toEqual(['"サ ー"', '"ー ビ"', '"ビ ス"', '"再 起"', '"起 動"']);
    expect(buildKeywordQuery("すし").terms).toEqual(['"す し"']);
  });

  test("stop words are dropped unless nothing else is left", () => {
    expect(buildKeywordQuery("what is the pnpm").terms).toEqual(['"pnpm"']);
    expect(buildKeywordQuery("what is the").terms).toEqual(['"what"', '"is"', '"the"']);
  });

  test("a compound or quoted phrase of stop words only is a stop word", () => {
    expect(buildKeywordQuery("where is the_the defined").match).toBe('"defined"');
    expect(buildKeywordQuery('is_a "of the" pnpm').match).toBe('"pnpm"');
    expect(buildKeywordQuery("is_a").match).toBe('"is a"');
    expect(buildKeywordQuery("get_the_value").match).toBe('"get the value"');
  });

  test("a trailing * on a word is a prefix search", async () => {
    expect(buildKeywordQuery("work*").match).toBe('"work"*');
    const r = await engine.recall({ query: "workspa*" });
    expect(r.results).toHaveLength(1);
  });

  test("a prefix whose end stemming rewrites still finds the words it starts (deploy* → Deployment)", async () => {
    const { engine: own, store } = testEngine();
    own.remember({ content: "Deployment pipeline uses blue-green switching on the load balancer" });
    own.remember({ content: "We deploy on tuesdays" });
    // An encrypted store's index holds keyed hashes of whole words: a prefix is searched as its word there.
    const found = store.codec.encrypted ? ["We deploy on tuesdays"] : ["Deployment pipeline uses blue-green switching on the load balancer", "We deploy on tuesdays"];
    for (const query of ["deploy*", "Deploy*"]) expect((await own.recall({ query, mode: "keyword" })).results.map((r) => r.memory.content).sort()).toEqual(found);
    expect((await own.recall({ query: "deployment*", mode: "keyword" })).results.map((r) => r.memory.content)).toEqual(["Deployment pipeline uses blue-green switching on the load balancer"]);
    // Typed past the stem ("deploym" of deployment, "switchi" of switching): the index holds "deploy", "switch".
    if (!store.codec.encrypted) {
      for (const query of ["deploym*", "switchi*", "SWITCHI*", "DeployM*"]) {
        expect((await own.recall({ query, mode: "keyword" })).results.map((r) => r.memory.content)).toContain("Deployment pipeline uses blue-green switching on the load balancer");
      }
    }
    expect(buildKeywordQuery("tests*").match).toBe('"tests"*');
  });

  test("text without any word yields no query", () => {
    expect(buildKeywordQuery("*** --- ((( ").match).toBeNull();
  });

  test("long input is capped to a bounded number of terms", () => {
    const words = Array.from({ length: 100 }, (_, i) => `word${i}`).join(" ");
    expect(buildKeywordQuery(words).terms.length).toBe(32);
  });
});
