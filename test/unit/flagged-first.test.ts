/**
 * @module Possible conflicts kept on write, used in recall: remember links a later statement to an earlier one
 * it may change (a `contradicts` link marked possible, audited), and recall puts the later one just ahead of
 * the earlier — decisions, preferences and facts only, not when the question names a time — without the graph
 * lifting either through that link.
 */
import { expect, test } from "bun:test";
import { Engine } from "../../src/engine/engine.ts";
import { explainJson, explainText } from "../../src/retrieve/explain.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

const DAY = 86_400_000;
const OLD = "In staging the API server listens on port 8080; the API server port for staging is set in deploy/staging.env";
// Shorter than the earlier note and without its "server": the earlier one matches the question better by its words.
const NEW = "Staging API: port 9090";
const QUERY = "which port does the API server listen on in staging";

function setup(type = "fact") {
  const store = new SqliteStore(":memory:");
  const clock = { now: Date.UTC(2026, 2, 2) };
  const engine = new Engine({ store, project: "/p", actor: "test", now: () => clock.now });
  engine.remember({ content: "The staging database is a small Postgres instance", type: "fact" });
  const old = engine.remember({ content: OLD, type });
  clock.now += 3 * DAY;
  const neu = engine.remember({ content: NEW, type });
  return { store, engine, old, neu };
}
const order = async (engine: Engine, query = QUERY) => (await engine.recall({ query, track: false })).results.map((r) => r.memory.content);

test("remember keeps the possible conflict it reports: a contradicts link marked possible, from the later statement, audited", () => {
  const { store, engine, old, neu } = setup();
  expect(neu.conflicts?.map((c) => c.id)).toEqual([old.id]);
  expect(neu.superseded).toBeUndefined();
  expect(store.edges(neu.id)).toEqual([
    { fromId: neu.id, toId: old.id, relation: "contradicts", weight: 1, createdAt: neu.memory.createdAt, metadata: { auto: true, possible: true, reason: neu.conflicts![0]!.reason } },
  ]);
  expect(engine.links(old.id)).toEqual([{ relation: "contradicts", direction: "in", id: neu.id, possible: true }]);
  expect(store.auditLog({ memoryId: neu.id, limit: 10 }).map((a) => [a.op, a.detail])).toContainEqual(["link", { relation: "contradicts", to: old.id, auto: true, possible: true }]);
  expect(store.get(old.id)?.status).toBe("active");
  expect(engine.neighbourhood(old.id, 1).edges).toEqual([{ from: neu.id, to: old.id, relation: "contradicts", possible: true }]);
});

test("a conflict found only by a negation is reported, not kept", () => {
  const store = new SqliteStore(":memory:");
  const engine = new Engine({ store, project: "/p", actor: "test" });
  const old = engine.remember({ content: "Staging deploys run the database migrations automatically", type: "fact" });
  const neu = engine.remember({ content: "Staging deploys do not run the database migrations automatically", type: "fact" });
  expect(neu.conflicts).toEqual([{ id: old.id, content: old.memory.content, reason: "says the opposite" }]);
  expect(engine.links(old.id)).toEqual([]);
});

test("recall puts the later statement just ahead of the earlier one it was flagged against, and says why", async () => {
  const { store, engine, old, neu } = setup();
  const r = await engine.recall({ query: QUERY, track: false });
  expect(r.results.slice(0, 2).map((h) => h.memory.id)).toEqual([neu.id, old.id]);
  const moved = r.results[0]!;
  expect(moved.flaggedAgainst).toBe(old.id);
  expect(explainText(moved)).toContain(`flagged on write as a possible change of ${old.id}`);
  expect(explainJson(moved)).toMatchObject({ flagged_against: old.id });
  // Without the link the earlier one, which matches the question better, comes first.
  store.database.run("DELETE FROM edges");
  expect((await order(engine)).slice(0, 2)).toEqual([OLD, NEW]);
});

test("superseded memories asked for too keep the later statement first (QA: --include-superseded put the decision it changed first)", async () => {
  const { engine, old, neu } = setup();
  for (const statuses of [undefined, ["active", "superseded"] as const]) {
    const r = await engine.recall({ query: QUERY, track: false, ...(statuses ? { statuses: [...statuses] } : {}) });
    expect(r.results.slice(0, 2).map((h) => [h.memory.id, h.flaggedAgainst])).toEqual([[neu.id, old.id], [old.id, undefined]]);
  }
});

test("a later statement no channel found comes with the earlier result it was flagged against (QA: \"do we use Helm?\")", async () => {
  const store = new SqliteStore(":memory:");
  const clock = { now: Date.UTC(2026, 2, 2) };
  const engine = new Engine({ store, project: "/p", actor: "test", now: () => clock.now });
  const old = engine.remember({ content: "We deploy with Helm", type: "decision" });
  clock.now += DAY;
  const neu = engine.remember({ content: "We moved deploys to Argo CD", type: "decision" });
  expect(neu.conflicts?.map((c) => c.id)).toEqual([old.id]);
  const r = await engine.recall({ query: "do we use helm charts", mode: "keyword", track: false });
  expect(r.results.map((h) => [h.memory.id, h.flaggedAgainst])).toEqual([[neu.id, old.id], [old.id, undefined]]);
  expect(r.results[0]!.score).toBe(r.results[1]!.score);
  // A dismissed flag brings nothing.
  engine.relate(neu.id, old.id, "contradicts", { dismiss: true });
  expect((await engine.recall({ query: "do we use helm charts", mode: "keyword", track: false })).results.map((h) => h.memory.id)).toEqual([old.id]);
});

test("not for a question that names a time, nor for lessons, nor as a graph lift", async () => {
  const { engine } = setup();
  const inJanuary = await order(engine, `${QUERY} in January 2026`);
  expect(inJanuary).toContain(NEW);
  expect(inJanuary.indexOf(OLD)).toBeLessThan(inJanuary.indexOf(NEW));
  // Lessons: reported, not kept (a lesson adds to what came before); a link between two (say, imported) moves nothing.
  const lessons = setup("lesson");
  expect(lessons.neu.conflicts?.map((c) => c.id)).toEqual([lessons.old.id]);
  expect(lessons.engine.links(lessons.old.id)).toEqual([]);
  const metadata = { auto: true, possible: true, reason: "states another value" };
  expect(lessons.store.addEdge({ fromId: lessons.neu.id, toId: lessons.old.id, relation: "contradicts", weight: 1, createdAt: 1, metadata })).toBe(true);
  expect((await order(lessons.engine)).slice(0, 2)).toEqual([OLD, NEW]);
  // A strong hit does not bring what it was flagged against (or what flagged it) along as a linked partner: the
  // later statement comes just ahead of it as what may have changed it, not below it as a graph lift.
  const only = await engine.recall({ query: "deploy/staging.env", track: false });
  expect(only.results.map((r) => [r.memory.content, r.linked, r.flaggedAgainst === undefined])).toEqual([[NEW, undefined, false], [OLD, undefined, true]]);
});

test("export writes the link as possible, and import reads it back as one", async () => {
  const { engine, old, neu } = setup();
  const lines = [...engine.export()].map((j) => JSON.stringify(j));
  const exported = lines.map((l) => JSON.parse(l)).find((j) => j.id === neu.id);
  expect(exported.links).toEqual([{ relation: "contradicts", to: old.id, created_at: new Date(neu.memory.createdAt).toISOString(), possible: true }]);
  const other = new Engine({ store: new SqliteStore(":memory:"), project: "/p", actor: "test" });
  expect(await other.import(lines.join("\n"))).toMatchObject({ created: 3, links: 1 });
  expect(other.links(old.id)).toEqual([{ relation: "contradicts", direction: "in", id: neu.id, possible: true }]);
});

test("facts about two named things are no change of each other; an open flag the rules no longer read as one moves nothing, a confirmed one does", async () => {
  const store = new SqliteStore(":memory:");
  const clock = { now: Date.UTC(2026, 2, 2) };
  const engine = new Engine({ store, project: "/p", actor: "test", now: () => clock.now });
  const payments = engine.remember({ content: "The payments-api deployment runs in namespace payments with 3 replicas and exposes port 9090", type: "fact" });
  clock.now += DAY;
  const invoices = engine.remember({ content: "The invoice-renderer deployment runs in namespace payments with 2 replicas and exposes port 3001", type: "fact" });
  expect(invoices.conflicts ?? []).toEqual([]);
  clock.now += DAY;
  expect(engine.remember({ content: "The bff-gateway deployment runs in namespace mobile with 4 replicas and exposes port 8080", type: "fact" }).conflicts ?? []).toEqual([]);
  expect(engine.links(payments.memory.id)).toEqual([]);
  const first = async () => (await engine.recall({ query: "payments-api replicas", track: false })).results[0]!.memory.id;
  expect(await first()).toBe(payments.memory.id);
  // The flag an earlier version of the rules kept between them (or one imported) is asked again, and dropped.
  const metadata = { auto: true, possible: true, reason: "states another value" };
  expect(store.addEdge({ fromId: invoices.memory.id, toId: payments.memory.id, relation: "contradicts", weight: 1, createdAt: clock.now, metadata })).toBe(true);
  expect(await first()).toBe(payments.memory.id);
  // Confirmed by the user, it stands whatever the rules say.
  expect(engine.relate(invoices.memory.id, payments.memory.id, "contradicts").settled).toBe("conflict");
  expect(await first()).toBe(invoices.memory.id);
});
