/** @module A change of one statement of a memory holding others only flags it: superseding would retire the others too (capture/untouched-part.ts; QA). */
import { expect, test } from "bun:test";
import { leavesPartAlone } from "../../src/capture/untouched-part.ts";
import { testEngine } from "../helpers/engine.ts";

test("a memory that also holds a rule the change leaves alone is flagged and kept current, and the reply says why", async () => {
  const { engine, advance } = testEngine();
  const old = engine.remember({ content: "Deploys go to Heroku; always run the smoke tests after every deploy.", type: "decision" });
  advance(60_000);
  const moved = engine.remember({ content: "We moved deploys from Heroku to Fly.io.", type: "decision" });
  expect(moved.superseded).toBeUndefined();
  expect(moved.conflicts?.map((c) => c.id)).toEqual([old.id]);
  expect(moved.conflicts?.[0]?.reason).toContain("also says what this does not change");
  expect(engine.get(old.id, { track: false }).status).toBe("active");
  expect(engine.links(old.id)).toEqual([{ relation: "contradicts", direction: "in", id: moved.id, possible: true }]);
  expect((await engine.recall({ query: "do we run smoke tests after a deploy", track: false })).results.map((r) => r.memory.id)).toContain(old.id);
});

test("a memory whose every statement the change is about is still superseded", () => {
  const { engine, advance } = testEngine();
  const old = engine.remember({ content: "Deploys go to Heroku.", type: "decision" });
  advance(60_000);
  expect(engine.remember({ content: "We moved deploys from Heroku to Fly.io.", type: "decision" }).superseded?.map((c) => c.id)).toEqual([old.id]);
  expect(leavesPartAlone("CI runs on Node 20. The CI image pins Node 20.", "We upgraded CI from Node 20 to Node 22.")).toBe(false);
  expect(leavesPartAlone("Deploys go to Heroku; always run the smoke tests after every deploy.", "We moved deploys from Heroku to Fly.io.")).toBe(true);
  expect(leavesPartAlone("This repo uses yarn for dependencies; never run npm install.", "We switched from yarn to pnpm.")).toBe(true);
});
