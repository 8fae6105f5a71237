/** @module UserPromptSubmit capture keeps statements about the project in the project and only those about the person global. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { fixture, type HookWorld, hookWorld } from "./helpers.ts";

let w: HookWorld;
beforeEach(() => {
  w = hookWorld();
});
afterEach(() => w.cleanup());

const say = (prompt: string) => w.hook("prompt", fixture("prompt", { cwd: w.project, prompt }));
const stored = () =>
  w.withEngine((e) => e.list({ allProjects: true }).memories.map((m): [string, string | null] => [m.content, m.project]).sort());

describe("prompt capture scope", () => {
  test("rules about the repo, team or codebase are project memories; statements about the person are global", async () => {
    await say("always use pnpm for this repo, never npm or yarn");
    await say("our convention here is snake_case for all postgres column names");
    await say("in this project we always squash merge PRs");
    await say("I prefer short answers, skip the long explanations");
    await say("you can call me Sam");
    const want: Array<[string, string | null]> = [
      ["Always use pnpm for this repo, never npm or yarn.", w.project],
      ["In this project we always squash merge PRs.", w.project],
      ["Our convention here is snake_case for all postgres column names.", w.project],
      ["You can call me Sam.", null],
      ["I prefer short answers, skip the long explanations.", null],
    ];
    expect(stored()).toEqual(want.sort());
  });
});
