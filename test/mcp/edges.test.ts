/** @module The edge store behind `relate`: links only between existing memories, deduplicated, gone with a purge. */
import { expect, test } from "bun:test";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

function engine() {
  return new Engine({ store: new SqliteStore(":memory:"), project: "/p", actor: "test" });
}

test("addEdge links existing memories once and reports duplicates and missing ends", () => {
  const e = engine();
  const a = e.remember({ content: "error: build fails on node 18" }).id;
  const b = e.remember({ content: "fix: pin node 20 in .nvmrc" }).id;
  const edge = { fromId: b, toId: a, relation: "fixes" as const, weight: 1, createdAt: 1, metadata: {} };
  expect(e.store.addEdge(edge)).toBe(true);
  expect(e.store.addEdge(edge)).toBe(false);
  expect(e.store.addEdge({ ...edge, toId: "no-such-memory" })).toBe(false);
  expect(e.store.edges(a)).toEqual([edge]);
  expect(e.links(a)).toEqual([{ relation: "fixes", direction: "in", id: b }]);
  expect(e.stats().edges).toBe(1);
});

test("a hard forget removes the memory's links; the audit log records the link", () => {
  const e = engine();
  const a = e.remember({ content: "first" }).id;
  const b = e.remember({ content: "second" }).id;
  e.relate(a, b, "depends-on");
  expect(e.history(a).entries.map((x) => x.op)).toEqual(["create", "link"]);
  e.forget(b, { hard: true });
  expect(e.store.edges(a)).toEqual([]);
  expect(e.stats().edges).toBe(0);
});

test("timeline and briefing read through the new list orders", () => {
  const e = engine();
  e.remember({ content: "low", type: "preference", priority: 2 });
  e.remember({ content: "high", type: "preference", priority: 5 });
  e.remember({ content: "later event", eventTime: 2_000 });
  e.remember({ content: "earlier event", eventTime: 1_000 });
  expect(e.briefing().preferences.map((m) => m.content)).toEqual(["high", "low"]);
  expect(e.timeline({ until: 10_000 }).events.map((m) => m.content)).toEqual(["earlier event", "later event"]);
});
