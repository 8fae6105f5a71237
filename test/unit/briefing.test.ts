/** @module The briefing's sections: an error a shown lesson fixes is said once, under lessons. */
import { expect, test } from "bun:test";
import { renderBriefing } from "../../src/mcp/briefing.ts";
import { testEngine } from "../helpers/engine.ts";

test("an error fixed by a lesson the briefing shows is not listed again under pitfalls", () => {
  const { engine, advance } = testEngine();
  const fixed = engine.remember({ content: "`pnpm prisma migrate dev` failed: P1001: Can't reach database server", type: "error" }).id;
  advance(1000);
  const open = engine.remember({ content: "`pnpm build` failed: heap out of memory", type: "error" }).id;
  advance(1000);
  const lesson = engine.remember({ content: "`pnpm prisma migrate dev` failed with P1001; it passed after running `docker compose up -d db`.", type: "lesson" }).id;
  engine.relate(lesson, fixed, "fixes");
  const b = engine.briefing();
  expect(b.lessons.map((m) => m.id)).toEqual([lesson]);
  expect(b.pitfalls.map((m) => m.id)).toEqual([open]);
  // With the lesson not shown (a smaller briefing), the error is a pitfall again.
  engine.forget(lesson);
  expect(engine.briefing().pitfalls.map((m) => m.id).sort()).toEqual([fixed, open].sort());
});

test("facts of the global scope are the briefing's facts about the user, in any project; a project's facts are not", () => {
  const { engine } = testEngine();
  const dana = engine.remember({ content: "Call me Dana; I prefer short answers", type: "fact", project: null }).id;
  engine.remember({ content: "The gateway listens on port 8443", type: "fact" });
  expect(engine.briefing().user.map((m) => m.id)).toEqual([dana]);
  expect(renderBriefing(engine.briefing())).toContain("## About the user\n- Call me Dana");
});
