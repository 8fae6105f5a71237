/**
 * @module A prompt correcting what is stored ("the staging DB is no longer read-only") is captured when, and only
 * when, it reads as a change of a stored decision, preference or fact; capture/corrections.ts finds the candidates.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { correctionCandidates } from "../../src/capture/corrections.ts";
import { fixture, type HookWorld, hookWorld } from "./helpers.ts";

let w: HookWorld;
beforeEach(() => {
  w = hookWorld();
});
afterEach(() => w.cleanup());

const say = async (prompt: string, session = "c1") => w.hook("prompt", fixture("prompt", { cwd: w.project, prompt, session }));
const facts = () => w.withEngine((e) => e.list({ types: ["fact"], statuses: ["active"] }).memories.map((m) => m.content).sort());

describe("corrections in prompts", () => {
  test("candidates: a lead that corrects, or words that say it changed; not questions, orders or bare remarks", () => {
    const of = (p: string) => correctionCandidates(p).map((c) => c.content);
    expect(of("the staging DB is no longer read-only, we can write to it now")).toEqual(["The staging DB is no longer read-only, we can write to it now."]);
    expect(of("correction: the staging DB is writable now")).toEqual(["The staging DB is writable now."]);
    expect(of("actually deploys happen on Tuesdays now")).toEqual(["Deploys happen on Tuesdays now."]);
    for (const p of ["is the staging DB writable now?", "please make the DB writable now", "ok now run the tests", "great, thanks", "the test no longer fails, great"]) expect(of(p)).toEqual([]);
  });

  test("kept when it changes a stored fact (QA: the old fact was briefed in every session); said of nothing stored, dropped", async () => {
    await say("remember that the staging DB is read-only", "c0");
    expect(facts()).toEqual(["The staging DB is read-only."]);
    await say("correction: the staging DB is writable now");
    expect(facts()).toContain("The staging DB is writable now.");
    await say("actually the release train leaves on Tuesdays now", "c2");
    expect(facts()).not.toContain("The release train leaves on Tuesdays now.");
  });

  test("the prompt that supersedes a fact is not injected with it (QA: the retired fact was its context)", async () => {
    w.withEngine((e) => e.remember({ content: "The staging database is read-only for developers.", type: "fact", project: w.project }));
    const out = await say("Correction: the staging database is no longer read-only, developers can write to it now. Can you add a seed script for it?", "r2");
    const superseded = w.withEngine((e) => e.list({ types: ["fact"], statuses: ["superseded"] }).memories.map((m) => m.content));
    expect(superseded).toEqual(["The staging database is read-only for developers."]);
    expect(out).not.toContain("The staging database is read-only for developers.");
  });

  test("a sentence the capture rules took is not stored a second time in other words (QA: \"FYI X\" and \"X\")", async () => {
    await say("FYI service 1 is owned by team 1", "f1");
    await say("FYI service 2 is owned by team 2", "f2");
    expect(facts()).toEqual(["FYI service 1 is owned by team 1.", "FYI service 2 is owned by team 2."]);
  });
});
