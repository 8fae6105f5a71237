/** @module Keyword scores in a small store count every query word: a term in half the memories or more still weighs. */
import { expect, test } from "bun:test";
import { KeywordChannel } from "../../src/retrieve/keyword-channel.ts";
import { rescoreSmall } from "../../src/retrieve/keyword-rescore.ts";
import { testEngine } from "../helpers/engine.ts";

function small() {
  const t = testEngine();
  for (const [content, type] of [
    ["Use pnpm to install dependencies", "decision"],
    ["Use yarn to install dependencies", "decision"],
    ["Unit tests run with jest", "fact"],
    ["Integration tests need the unit fixtures seeded first", "lesson"],
    ["The unit tests mock the clock", "fact"],
  ] as const) {
    t.advance(60_000);
    t.engine.remember({ content, type, distinct: true });
  }
  return t;
}

test("in a small store a question about words most memories hold ranks those memories, not one sharing an incidental word (QA)", async () => {
  const { engine } = small();
  const r = await engine.recall({ query: "which test runner do unit tests use", mode: "keyword" });
  const top = r.results.slice(0, 3).map((x) => x.memory.content);
  expect(top.every((c) => /\bunit\b/i.test(c) && /\btests\b/i.test(c))).toBe(true);
  expect(r.results[0]!.memory.content).toBe("Unit tests run with jest");
});

test("searches whose every term is in fewer than half the memories keep FTS5's ranking; a prefix search is left as it is", async () => {
  const { store } = small();
  const channel = new KeywordChannel(store);
  const query = (text: string) => ({ text, filter: { scope: { projects: null, includeGlobal: true } }, now: Date.now(), limit: 50 });
  const hits = await channel.search(query("pnpm yarn dependencies"));
  expect(hits.length).toBe(2);
  expect(rescoreSmall(store, ['"pnpm"', '"yarn"', '"dependencies"'], hits)).toBe(hits);
  const unit = await channel.search(query("unit"));
  expect(rescoreSmall(store, ['"unit"*'], unit)).toBe(unit);
});
