/**
 * @module Fail-open, on the compiled binary: malformed input, missing fields and an unusable data directory
 * all end in exit 0 with empty stdout and stderr; malformed input and internal failures leave one line in hooks.log.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeRun } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "./helpers.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox("cairn-hooks-failopen-");
});
afterEach(() => sb.cleanup());

const EVENTS = ["session-start", "prompt", "pre-tool", "post-tool", "stop", "pre-compact", "session-end"];

async function quiet(args: string[], stdin: string, env: Record<string, string> = {}): Promise<void> {
  const r = await sb.run(args, { stdin, env });
  expect(r.exitCode, describeRun(args, r)).toBe(0);
  expect(r.stdout, describeRun(args, r)).toBe("");
  expect(r.stderr, describeRun(args, r)).toBe("");
}

const logLines = (): string[] => (existsSync(join(sb.cairnHome, "hooks.log")) ? readFileSync(join(sb.cairnHome, "hooks.log"), "utf8").trim().split("\n") : []);

describe("fail open", () => {
  test.each(EVENTS)("%s: malformed JSON, empty stdin, missing fields — each bad input is one line in hooks.log", async (event) => {
    await quiet(["hook", event], "{ this is not json");
    expect(logLines().at(-1)).toMatch(new RegExp(`${event} malformed input: stdin is not JSON \\(.+\\); event skipped$`));
    await quiet(["hook", event], "");
    expect(logLines().at(-1)).toContain(`${event} malformed input: stdin was empty`);
    await quiet(["hook", event], "{}");
    expect(logLines()).toHaveLength(2); // an event with nothing in it is odd, not malformed
    await quiet(["hook", event], JSON.stringify({ session_id: 7, tool_input: "x", prompt: ["a"] }));
    expect(logLines()).toHaveLength(3);
    expect(logLines().at(-1)).toContain(
      `${event} malformed input: session_id is a number, expected a string; prompt is an array, expected a string; tool_input is a string, expected an object`,
    );
  });

  test("the log names the hook as it was run, and a cwd that is no absolute path is not taken as a project (QA: NUL made a second project)", async () => {
    await quiet(["hook", "post-tool-failure"], "");
    expect(logLines().at(-1)).toContain("post-tool-failure malformed input: stdin was empty");
    await quiet(["hook", "prompt"], JSON.stringify({ session_id: "n1", cwd: `${sb.cwd}\u0000`, prompt: "remember that we deploy on fridays only" }));
    expect(logLines().at(-1)).toContain("is not an absolute path without control characters; the hook's own working directory is used");
  });

  test("unknown events and no event are ignored", async () => {
    await quiet(["hook", "Notification"], JSON.stringify({ hook_event_name: "Notification", message: "hi" }));
    await quiet(["hook"], "{}");
  });

  test("a data directory that cannot be created", async () => {
    const blocker = join(sb.root, "file");
    writeFileSync(blocker, "");
    const env = { CAIRN_HOME: join(blocker, "cairn") };
    await quiet(["hook", "prompt"], fixture("prompt", { cwd: sb.cwd, prompt: "from now on we use pnpm instead of npm for installs" }), env);
    await quiet(["hook", "post-tool"], fixture("post-tool-bash-failure", { cwd: sb.cwd, command: "npm test", error: "Exit code 1\nError: boom" }), env);
  });

  test("a database that cannot be opened is logged to hooks.log", async () => {
    mkdirSync(join(sb.cairnHome, "cairn.db"), { recursive: true }); // a directory where the file should be
    await quiet(["hook", "session-start"], fixture("session-start", { cwd: sb.cwd }));
    const log = readFileSync(join(sb.cairnHome, "hooks.log"), "utf8").trim().split("\n");
    expect(log).toHaveLength(1);
    expect(log[0]).toContain("session-start error");
  });
});
