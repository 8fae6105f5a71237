/**
 * @module Fail-open, on the compiled binary: malformed input, missing fields and an unusable data directory
 * all end in exit 0 with empty stdout and stderr; internal failures leave one line in hooks.log.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
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

describe("fail open", () => {
  test.each(EVENTS)("%s: malformed JSON, empty stdin, missing fields", async (event) => {
    await quiet(["hook", event], "{ this is not json");
    await quiet(["hook", event], "");
    await quiet(["hook", event], "{}");
    await quiet(["hook", event], JSON.stringify({ session_id: 7, tool_input: "x", prompt: ["a"] }));
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
