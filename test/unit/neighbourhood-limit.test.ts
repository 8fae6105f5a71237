/** @module A neighbourhood past its node limit keeps the nearest hops and says it left the rest out (QA: the ui's graph of a hub drew 2,001 memories and locked the tab). */
import { expect, test } from "bun:test";
import { neighbourhoodJson } from "../../src/engine/neighbourhood.ts";
import { testEngine } from "../helpers/engine.ts";

test("a hub of 40 links with 3 more each: the limit keeps the root and its nearest, marks the rest left out", () => {
  const { engine } = testEngine();
  const hub = engine.remember({ content: "the payments hub note", type: "fact" }).id;
  const first: string[] = [];
  for (let i = 0; i < 40; i++) {
    const a = engine.remember({ content: `neighbour ${i} of the hub`, type: "fact" }).id;
    first.push(a);
    engine.relate(a, hub, "part_of");
    for (let j = 0; j < 3; j++) engine.relate(engine.remember({ content: `leaf ${i}.${j} under neighbour ${i}`, type: "fact" }).id, a, "part_of");
  }
  const all = engine.neighbourhood(hub, 2);
  expect([all.nodes.size, all.truncated]).toEqual([1 + 40 + 120, false]);
  expect(neighbourhoodJson(all).truncated).toBeUndefined();
  const cut = engine.neighbourhood(hub, 2, 50);
  expect(cut.nodes.size).toBe(50);
  expect(cut.truncated).toBe(true);
  // Every first hop comes before any second.
  expect(first.every((id) => cut.nodes.has(id))).toBe(true);
  expect(cut.edges.every((e) => cut.nodes.has(e.from) && cut.nodes.has(e.to))).toBe(true);
  expect(neighbourhoodJson(cut).truncated).toBe(true);
  // Exactly at the limit nothing was left out.
  expect(engine.neighbourhood(hub, 1, 41).truncated).toBe(false);
});
