/**
 * @module UserPromptSubmit surfaces the rules a prompt runs into while sharing too few of its words for the
 * relevance bar: a command it names, a tool a rule rules out. Words a rule forbids as acts are not tools.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { commandsIn, rulesOut } from "../../src/hooks/prompt-rules.ts";
import { contextOf, fixture, type HookWorld, hookWorld } from "./helpers.ts";

let w: HookWorld;
beforeEach(() => {
  w = hookWorld();
});
afterEach(() => w.cleanup());

let n = 0;
const say = async (prompt: string) => contextOf(await w.hook("prompt", fixture("prompt", { cwd: w.project, prompt, session: `p${n++}` })));

describe("prompt rules", () => {
  test("a prompt naming a command gets the rule that governs it", async () => {
    w.withEngine((e) => e.remember({ content: "Always use pnpm, never npm install.", type: "preference" }));
    expect(await say("npm install fails with ERESOLVE, fix it")).toContain("never npm install");
  });

  test("a rule the prompt showed is shown again before the command it governs, once for that command", async () => {
    w.withEngine((e) => e.remember({ content: "Always use pnpm, never npm install.", type: "preference" }));
    const session = "same-session";
    const bash = (command: string) => fixture("pre-tool-bash", { cwd: w.project, command, session });
    expect(contextOf(await w.hook("prompt", fixture("prompt", { cwd: w.project, prompt: "npm install fails with ERESOLVE, fix it", session })))).toContain("never npm install");
    expect(contextOf(await w.hook("pre-tool", bash("npm install lodash")))).toContain("never npm install");
    expect(await w.hook("pre-tool", bash("npm install react"))).toBe("");
  });

  test("a prompt pasting many commands is looked up on its first three", async () => {
    w.withEngine((e) => e.remember({ content: "Always use pnpm, never npm install.", type: "preference" }));
    expect(await say("ran `ls` and `pwd` and `whoami` and `npm install` here")).toBe("");
    expect(await say("ran `ls` and `npm install` here")).toContain("never npm install");
  });

  test("a prompt naming a tool a decision ruled out gets that decision", async () => {
    w.withEngine((e) => e.remember({ content: "We chose Vitest over Jest: faster, native ESM.", type: "decision" }));
    expect(await say("should we switch to Jest?")).toContain("Vitest over Jest");
  });

  test("a rule forbidding an act, or naming the tool in use, is not shown for a prompt that merely uses the word", async () => {
    w.withEngine((e) => {
      e.remember({ content: "Never add blanket retries to hide flaky tests.", type: "preference" });
      e.remember({ content: "The ingestion service reads from Kafka.", type: "decision" });
    });
    expect(await say("add a dark mode toggle to the admin layout")).toBe("");
    expect(await say("is kafka lagging behind today")).toBe("");
  });
});

describe("what counts", () => {
  test("commands: code in backticks, a package manager's install in prose", () => {
    expect(commandsIn("run `make lint` then npm install again, and pip install it")).toEqual(["make lint", "npm install", "pip install"]);
    expect(commandsIn("install the npm package")).toEqual([]);
  });

  test("a tool is ruled out when written as a name", () => {
    expect(rulesOut("We chose Vitest over Jest.", "jest")).toBe(true);
    expect(rulesOut("Moved off `react-query` to SWR.", "react-query")).toBe(true);
    expect(rulesOut("log4j was removed everywhere.", "log4j")).toBe(true);
    // A few words may say what moved (QA: "Should we switch to Jest?" got nothing from the warm hook).
    expect(rulesOut("Switched unit tests from Jest to Vitest because Jest's ESM support kept breaking.", "jest")).toBe(true);
    expect(rulesOut("Moved the reporting stack off Jenkins last spring.", "jenkins")).toBe(true);
    expect(rulesOut("We moved to the new office; the build box still runs Jenkins, copied from Jenkins docs.", "jenkins")).toBe(false);
    expect(rulesOut("Never commit secrets.", "commit")).toBe(false);
    expect(rulesOut("Ingestion reads from Kafka.", "kafka")).toBe(false);
    expect(rulesOut("We use Jest for unit tests.", "jest")).toBe(false);
  });
});
