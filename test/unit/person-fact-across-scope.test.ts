/** @module A project statement speaking of the person is compared with the global memories about them: flagged, never superseded or merged (engine/related-on-write.ts; QA). */
import { expect, test } from "bun:test";
import { testEngine } from "../helpers/engine.ts";

test("a change of a global fact about the user, stored in the project, is flagged against it and kept as a possible conflict (QA)", () => {
  const { engine, advance } = testEngine();
  const home = engine.remember({ content: "I live in Lisbon.", type: "fact", project: null });
  advance(60_000);
  const moved = engine.remember({ content: "I moved from Lisbon to Berlin last month.", type: "fact" });
  expect(moved.memory.project).not.toBeNull();
  expect(moved.superseded).toBeUndefined();
  expect(moved.conflicts?.map((c) => c.id)).toEqual([home.id]);
  expect(engine.get(home.id, { track: false }).status).toBe("active");
  expect(engine.links(home.id)).toEqual([{ relation: "contradicts", direction: "in", id: moved.id, possible: true }]);
});

test("the global memory is not reinforced by a project rewording, and a project statement about the project is not compared with it", () => {
  const { engine, advance } = testEngine();
  const pref = engine.remember({ content: "I prefer tabs for indentation in every editor.", type: "preference", project: null });
  advance(60_000);
  const again = engine.remember({ content: "In every editor I prefer tabs for indentation.", type: "preference", project: engine.project });
  expect(again.status).toBe("created");
  expect(again.id).not.toBe(pref.id);
  advance(60_000);
  expect(engine.remember({ content: "The API gateway listens on port 8080.", type: "fact" }).conflicts).toBeUndefined();
});
