/** @module UserPromptSubmit shows a rule's newest form: a rule a later one changed is not injected beside it. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { contextOf, fixture, type HookWorld, hookWorld } from "./helpers.ts";

let w: HookWorld;
beforeEach(() => {
  w = hookWorld();
});
afterEach(() => w.cleanup());

const say = async (prompt: string) => contextOf(await w.hook("prompt", fixture("prompt", { cwd: w.project, prompt })));

describe("prompt injection and changed rules", () => {
  test("the change is shown, the rule it changed is not", async () => {
    w.withEngine((e) => e.remember({ content: "Unit tests run with jest and ts-jest via `pnpm test`.", type: "decision" }));
    await Bun.sleep(5);
    w.withEngine((e) => e.remember({ content: "Switched unit tests from jest to vitest; `pnpm test` now runs vitest.", type: "decision" }));
    const shown = await say("should the unit tests go back to jest?");
    expect(shown).toContain("Switched unit tests from jest to vitest");
    expect(shown).not.toContain("ts-jest");
  });

  test("an error stays beside a newer note that mentions a change near it: a fix does not retire an error", async () => {
    w.withEngine((e) => e.remember({ content: "`helm upgrade` failed: another operation is in progress on the payments release.", type: "error" }));
    await Bun.sleep(5);
    w.withEngine((e) => e.remember({ content: "Switched the payments release to helm upgrade --atomic.", type: "decision" }));
    const shown = await say("helm upgrade of the payments release failed: another operation is in progress");
    expect(shown).toContain("another operation is in progress");
  });
});
