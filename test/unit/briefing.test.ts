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

test("a statement a later one may have changed is named with it, shown or not; dismissed, it is current again", () => {
  const { engine, advance } = testEngine();
  const old = engine.remember({ content: "In staging the API server listens on port 8080; the API server port for staging is set in deploy/staging.env", type: "fact", priority: 5 }).id;
  advance(86_400_000);
  const neu = engine.remember({ content: "Staging API server: port 9090", type: "fact", priority: 1 });
  expect(neu.conflicts?.map((c) => c.id)).toEqual([old]);
  const both = engine.briefing();
  expect(both.facts.map((m) => m.id).sort()).toEqual([old, neu.id].sort());
  expect([...both.changedLater].map(([id, by]) => [id, by.id])).toEqual([[old, neu.id]]);
  // One fact a section: the older (higher priority) is shown, the later change is not: it is named beside it.
  const one = engine.briefing({ perSection: 1 });
  expect(one.facts.map((m) => m.id)).toEqual([old]);
  expect(one.changedLater.get(old)?.id).toBe(neu.id);
  // Dismissed as compatible, it is a current statement again.
  engine.relate(neu.id, old, "contradicts", { dismiss: true });
  expect(engine.briefing().changedLater.size).toBe(0);
});
