/** @module Query handling in the keyword channel: possessives, contractions, phrases, names, common terms. */
import { expect, test } from "bun:test";
import { withoutCommonTerms } from "../../src/store/common-terms.ts";
import { buildKeywordQuery } from "../../src/retrieve/fts-query.ts";
import { testEngine } from "../helpers/engine.ts";

test("a possessive searches for the name, not the phrase 'name s'", () => {
  expect(buildKeywordQuery("What are Melanie's pets' names?").terms).toEqual(['"melanie"', '"pets"', '"names"']);
  expect(buildKeywordQuery("James’s dog").terms).toEqual(['"james"', '"dog"']);
});

test("contractions of stop words are stop words", () => {
  expect(buildKeywordQuery("I don't know what it's for").terms).toEqual(['"know"']);
  expect(buildKeywordQuery("What's Tim's plan?").terms).toEqual(['"tim"', '"plan"']);
});

test("quoted text is also searched as a phrase", () => {
  const q = buildKeywordQuery('the "pottery class" schedule');
  expect(q.terms).toEqual(['"pottery"', '"class"', '"schedule"']);
  expect(q.phrases).toEqual(['"pottery class"']);
  expect(q.match).toBe('"pottery" OR "class" OR "schedule" OR "pottery class"');
});

test("adjacent capitalised words past the first are searched as a name", () => {
  expect(buildKeywordQuery("When did John visit New York?").phrases).toEqual(['"new york"']);
  // The first word is capitalised by grammar, not because it is a name.
  expect(buildKeywordQuery("Deploy Script broke").phrases).toEqual([]);
});

test("a name found as a phrase ranks the memory holding it together first", async () => {
  const { engine } = testEngine();
  engine.remember({ content: "A new bakery opened near the York office" });
  engine.remember({ content: "The team met in New York for the offsite" });
  const r = await engine.recall({ query: "trip to New York", track: false });
  expect(r.results[0]?.memory.content).toBe("The team met in New York for the offsite");
});

test("a term in most memories is dropped when it would overflow the candidates, kept in a small store", async () => {
  const { engine, store } = testEngine();
  for (let i = 0; i < 60; i++) engine.remember({ content: `standup note ${i}: nothing special` });
  engine.remember({ content: "standup note: the flaky login test is quarantined" });
  // The channel hands the store its terms with the match; the store drops the common ones where it searches.
  const searched: string[] = [];
  const searchText = store.searchText.bind(store);
  store.searchText = (match, filter, now, limit, terms) => {
    searched.push(withoutCommonTerms(terms ?? [], limit, (t) => store.termStats(t))?.match ?? match);
    return searchText(match, filter, now, limit, terms);
  };
  // limit 1 → 50 candidates: "standup" and "note" match 61 memories each, more than the channel returns.
  const r = await engine.recall({ query: "standup note flaky login", limit: 1, track: false });
  expect(r.results[0]?.memory.content).toBe("standup note: the flaky login test is quarantined");
  expect(searched.at(-1)).toBe('"flaky" OR "login"');
  // With room for all of them (limit 20 → 80 candidates), the common terms stay; the first ten are ranked from a
  // default recall's 40 candidates, searched as a default recall searches them (without the common terms).
  const from = searched.length;
  await engine.recall({ query: "standup note flaky login", limit: 20, track: false });
  expect(searched.slice(from)).toEqual(['"standup" OR "note" OR "flaky" OR "login"', '"flaky" OR "login"']);
  // What the store searched: only memories with a rare term when the common ones were dropped.
  const hits = store.searchText('"standup" OR "note" OR "flaky" OR "login"', { scope: { projects: ["/work/app"], includeGlobal: true } }, Date.now(), 50, ['"standup"', '"note"', '"flaky"', '"login"']);
  expect(hits.map((h) => h.memory.content)).toEqual(["standup note: the flaky login test is quarantined"]);
});

test("the name of the one project searched is not a search term there; elsewhere, or alone, it is", async () => {
  const { engine, store } = testEngine({ project: "/work/tidepool" });
  engine.remember({ content: "tidepool ingestion: devices send to the Kafka topic sensor.raw" });
  engine.remember({ content: "We moved ingestion off Kafka onto NATS JetStream" });
  const searched: Array<{ match: string; terms?: readonly string[] }> = [];
  const soon = store.searchTextSoon.bind(store);
  store.searchTextSoon = (match, filter, now, limit, terms) => (searched.push({ match, terms }), soon(match, filter, now, limit, terms));
  await engine.recall({ query: "which bus does tidepool's ingestion use", mode: "keyword", track: false });
  expect(searched.at(-1)).toEqual({ match: '"bus" OR "ingestion" OR "use"', terms: ['"bus"', '"ingestion"', '"use"'] });
  // Searched across every project, the name tells them apart.
  await engine.recall({ query: "which bus does tidepool's ingestion use", mode: "keyword", track: false, allProjects: true });
  expect(searched.at(-1)!.match).toContain('"tidepool"');
  // Alone, it is all there is to search for.
  await engine.recall({ query: "tidepool", mode: "keyword", track: false });
  expect(searched.at(-1)!.match).toBe('"tidepool"');
});
