/**
 * @module `dist/cairn hook …` spawned exactly as Claude Code does (event JSON on stdin, the project as cwd,
 * a minimal environment): a lesson stated and a failure fixed in session 1 come back in session 2 — in
 * the briefing, and for a related prompt — while an unrelated prompt gets nothing.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { describeRun } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";

let sb: Sandbox;
let project: string;
beforeEach(() => {
  sb = createSandbox("cairn-e2e-hooks-");
  project = sb.project("shop");
});
afterEach(() => sb.cleanup());

/** Runs one hook like Claude Code: must exit 0 with nothing on stderr; returns the injected context ("" if none). */
async function hook(event: string, name: string, vars: Record<string, string>): Promise<string> {
  const args = ["hook", event];
  const r = await sb.run(args, { cwd: project, stdin: fixture(name, { cwd: project, ...vars }), env: { CLAUDE_PROJECT_DIR: project } });
  expect(r.exitCode, describeRun(args, r)).toBe(0);
  expect(r.stderr, describeRun(args, r)).toBe("");
  if (r.stdout === "") return "";
  const out = JSON.parse(r.stdout);
  expect(out.hookSpecificOutput.additionalContext.length).toBeLessThanOrEqual(10_000);
  return out.hookSpecificOutput.additionalContext as string;
}

const ECONN = "Exit code 1\n> shop@1.0.0 test:integration\nError: connect ECONNREFUSED 127.0.0.1:5432";

describe("cairn hook across two sessions", () => {
  test("session 2 knows what session 1 learned, and stays quiet when it is not relevant", async () => {
    const s1 = { session: "11111111-aaaa-4bbb-8ccc-000000000001" };
    expect(await hook("session-start", "session-start", s1)).toBe("");
    const said = await hook("prompt", "prompt", { ...s1, prompt: "remember that the integration tests need `docker compose up db` first" });
    expect(said).toBe(""); // captured, never echoed back in the same turn
    // Failures arrive as PostToolUseFailure, on the command `cairn setup` registers for it.
    await hook("post-tool-failure", "post-tool-bash-failure", { ...s1, command: "npm run test:integration", error: ECONN });
    await hook("post-tool", "post-tool-bash-ok", { ...s1, command: "docker compose up -d db" });
    await hook("post-tool", "post-tool-bash-ok", { ...s1, command: "npm run test:integration" });
    await hook("stop", "stop", { ...s1, message: "The integration tests pass now that the db container runs." });
    await hook("session-end", "session-end", s1);

    const s2 = { session: "22222222-aaaa-4bbb-8ccc-000000000002" };
    const briefing = await hook("SessionStart", "session-start", s2);
    expect(briefing).toContain("The integration tests need `docker compose up db` first"); // the stated lesson
    expect(briefing).toContain("it passed after running `docker compose up -d db`"); // the fix found
    // The prompt gets what makes them pass (the briefing already gave the stated lesson, which shares fewer
    // of the prompt's words: the injection model ranks it below the bar).
    const related = await hook("prompt", "prompt", { ...s2, prompt: "how do I run the integration tests?" });
    expect(related).toContain("it passed after running `docker compose up -d db`");
    if (process.env.CAIRN_SHOW_HOOKS) console.error(`${briefing}\n---\n${related}`);
    expect(await hook("prompt", "prompt", { ...s2, prompt: "rename the button label to Save" })).toBe("");
    // The fix found in session 1 comes back when the same failure happens again.
    const advice = await hook("post-tool-failure", "post-tool-bash-failure", { ...s2, command: "npm run test:integration", error: ECONN });
    expect(advice).toContain("docker compose up -d db");
  });
});
