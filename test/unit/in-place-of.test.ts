/**
 * @module A superseded memory's match speaks for what replaced it: recall returns the active successor (at the
 * end of a chain of supersedes) in the stale one's place, never the stale one, and says so in --explain.
 */
import { expect, test } from "bun:test";
import { Engine } from "../../src/engine/engine.ts";
import { explainJson, explainText } from "../../src/retrieve/explain.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

const DAY = 86_400_000;

function setup() {
  const clock = { now: Date.UTC(2026, 2, 2) };
  const engine = new Engine({ store: new SqliteStore(":memory:"), project: "/p", actor: "test", now: () => clock.now });
  const at = (content: string, type = "fact") => {
    clock.now += DAY;
    return engine.remember({ content, type }).memory.id;
  };
  return { engine, at };
}

test("the successor of a superseded match takes its place; a chain is followed to its end; the stale one stays out", async () => {
  const { engine, at } = setup();
  at("The docs site footer lists the office address");
  const stale = at("Docs search uses Algolia DocSearch; the crawler runs weekly");
  const mid = at("Our static site index comes from Lunr now");
  const current = at("The static site index is built by Pagefind at build time");
  engine.relate(mid, stale, "supersedes");
  engine.relate(current, mid, "supersedes");
  const r = await engine.recall({ query: "docs search algolia crawler", mode: "keyword", track: false });
  expect(r.results[0]!.memory.id).toBe(current);
  expect(r.results.map((h) => h.memory.id)).not.toContain(stale);
  expect(r.results.map((h) => h.memory.id)).not.toContain(mid);
  expect(r.results[0]!.inPlaceOf).toBe(stale);
  expect(explainText(r.results[0]!)).toContain(`in place of ${stale}, which matched and which it superseded`);
  expect(explainJson(r.results[0]!)).toMatchObject({ in_place_of: stale });
  // Asked for superseded memories too, recall shows them as they are.
  const all = await engine.recall({ query: "docs search algolia crawler", mode: "keyword", statuses: ["active", "superseded"], track: false });
  expect(all.results.map((h) => h.memory.id)).toContain(stale);
  expect(all.results.every((h) => h.inPlaceOf === undefined)).toBe(true);
});

test("a stale note matching only a shared name does not lift its successor over the answer it competes with", async () => {
  const { engine, at } = setup();
  at("The webapp is a Vite single-page app");
  const stale = at("billing-api is written in Go 1.21");
  const go = at("billing-api was upgraded to Go 1.22");
  engine.relate(go, stale, "supersedes");
  const answer = at("The billing-api database is PostgreSQL 14 on port 5432");
  const r = await engine.recall({ query: "which database does billing-api use", mode: "keyword", track: false });
  expect(r.results[0]!.memory.id).toBe(answer);
  expect(r.results.map((h) => h.memory.id)).not.toContain(stale);
  expect(r.results.every((h) => h.inPlaceOf === undefined)).toBe(true);
});

test("a successor found on its own is listed once; one outside the recall's filter stands in for nothing", async () => {
  const { engine, at } = setup();
  const stale = at("Deploys are Jenkins jobs: run deploy-storefront");
  const current = at("Deploys run as Argo CD syncs: bump the image tag and Argo deploys it", "decision");
  engine.relate(current, stale, "supersedes");
  const r = await engine.recall({ query: "deploys jenkins argo", mode: "keyword", track: false });
  expect(r.results.map((h) => h.memory.id)).toEqual([current]);
  // Facts only: the stale fact matches, but what replaced it is a decision.
  const facts = await engine.recall({ query: "jenkins storefront", mode: "keyword", types: ["fact"], track: false });
  expect(facts.results).toEqual([]);
  const any = await engine.recall({ query: "jenkins storefront", mode: "keyword", track: false });
  expect(any.results.map((h) => [h.memory.id, h.inPlaceOf])).toEqual([[current, stale]]);
});
