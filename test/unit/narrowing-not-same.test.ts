/** @module A statement that narrows an active one with a condition or a part is stored, not merged as a rewording (capture/narrows.ts; QA). */
import { describe, expect, test } from "bun:test";
import { oneNarrows } from "../../src/capture/narrows.ts";
import { testEngine } from "../helpers/engine.ts";

describe("remember: a condition added is not the same thing said again", () => {
  test.each([
    ["a time", "The staging database is read-only.", "The staging database is read-only at night."],
    ["a platform", "Dark mode is the default theme.", "Dark mode is the default theme on mobile."],
    ["an environment", "The export job is slow.", "The export job is slow in production."],
    ["a load", "The search endpoint times out.", "The search endpoint times out under load."],
    ["a part of the day", "Meeting room B has unreliable Wi-Fi.", "Meeting room B has unreliable Wi-Fi in the afternoons."],
    ["a part of the subject", "Deploys go to Heroku.", "The worker deploys go to Heroku."],
    ["a condition on a near-copy", "The nightly backup job of the billing database runs on the db-backup host", "The nightly backup job of the billing database runs on the db-backup host on weekends"],
  ])("%s: stored beside the unconditional memory, either way round", (_name, wide, narrow) => {
    for (const [first, second] of [[wide, narrow], [narrow, wide]] as const) {
      const { engine, advance } = testEngine();
      const a = engine.remember({ content: first, type: "fact" });
      advance(1000);
      const b = engine.remember({ content: second, type: "fact" });
      expect([b.status, b.sameMeaning, b.id === a.id]).toEqual(["created", undefined, false]);
      expect(engine.list({ allProjects: true }).total).toBe(2);
    }
  });

  test("a rewording that trades words, or only adds filler, is still the same", () => {
    expect(oneNarrows("The invoice service is owned by the billing team.", "Billing team owns the invoice service.")).toBe(false);
    expect(oneNarrows("Run the linter before pushing any branch", "Before pushing a branch, run the linter")).toBe(false);
    expect(oneNarrows("The API gateway is deployed to Fly.io", "The API gateway is currently deployed to Fly.io")).toBe(false);
    const { engine, advance } = testEngine();
    const first = engine.remember({ content: "The invoice service is owned by the billing team.", type: "fact" });
    advance(1000);
    expect(engine.remember({ content: "Billing team owns the invoice service.", type: "fact" })).toMatchObject({ id: first.id, status: "duplicate", sameMeaning: true });
  });
});
