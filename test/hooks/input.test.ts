/** @module Hook input: both field spellings, event names, tool shapes, and tolerance of odd input. */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { eventFromName, parseHookInput } from "../../src/hooks/input.ts";
import { capContext, MAX_CONTEXT_CHARS, renderOutput } from "../../src/hooks/output.ts";
import { fixture } from "./helpers.ts";

describe("event names", () => {
  test("CLI names and Claude names, any case", () => {
    expect(eventFromName("session-start")).toBe("session-start");
    expect(eventFromName("SessionStart")).toBe("session-start");
    expect(eventFromName("userpromptsubmit")).toBe("prompt");
    expect(eventFromName("PostToolUseFailure")).toBe("post-tool");
    expect(eventFromName("PRE_TOOL")).toBe("pre-tool");
    expect(eventFromName("SessionEnd")).toBe("session-end");
    expect(eventFromName("Notification")).toBeNull();
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) expect(eventFromName(name)).toBeNull();
  });
});

describe("parseHookInput", () => {
  test("snake_case and camelCase prompts give the same fields", () => {
    const a = parseHookInput("prompt", fixture("prompt", { cwd: "/x", prompt: "hello there" }), "/fallback")!;
    const b = parseHookInput("prompt", fixture("prompt.camel", { cwd: "/x", prompt: "hello there" }), "/fallback")!;
    for (const i of [a, b]) {
      expect(i.event).toBe("prompt");
      expect(i.sessionId).toBe("sess-fixture-1");
      expect(i.cwd).toBe("/x");
      expect(i.prompt).toBe("hello there");
      expect(i.agentEvent).toBe("UserPromptSubmit");
    }
    expect(a.camelCase).toBe(false);
    expect(b.camelCase).toBe(true);
  });

  test("Cursor's workspace_roots stands for a missing cwd; a cwd that is no absolute path is not taken (QA)", () => {
    const cursor = JSON.stringify({ hook_event_name: "beforeSubmitPrompt", conversation_id: "c1", workspace_roots: ["/home/u/app", "/home/u/lib"], prompt: "hi" });
    expect(parseHookInput("prompt", cursor, "/fallback")!.cwd).toBe("/home/u/app");
    const problems: string[] = [];
    expect(parseHookInput("prompt", JSON.stringify({ cwd: "relative/dir", prompt: "hi" }), "/fallback", problems)!.cwd).toBe("/fallback");
    expect(problems.join(" ")).toContain("is not an absolute path");
    for (const odd of ["/home/u/app\u0001", "/home/u/app\u001b", "/home/u/app\u007f"]) expect(parseHookInput("prompt", JSON.stringify({ cwd: odd, prompt: "hi" }), "/fallback")!.cwd).toBe("/fallback");
  });

  test("the event comes from the JSON when the CLI argument is missing or unknown", () => {
    expect(parseHookInput(undefined, fixture("session-start", { cwd: "/x" }), "/")!.event).toBe("session-start");
    expect(parseHookInput("bogus", fixture("stop", { cwd: "/x", message: "m" }), "/")!.event).toBe("stop");
  });

  test("Claude's Bash failure: error text, exit code from its first line, failed", () => {
    const i = parseHookInput("post-tool", fixture("post-tool-bash-failure", { cwd: "/x", command: "npm test", error: "Exit code 2\nboom" }), "/")!;
    expect(i.toolKind).toBe("shell");
    expect(i.command).toBe("npm test");
    expect(i.failed).toBe(true);
    expect(i.exitCode).toBe(2);
    expect(i.agentEvent).toBe("PostToolUseFailure");
  });

  test("an error object gives its message, or no text: its JSON is not the error (QA)", () => {
    const raw = JSON.parse(fixture("post-tool-bash-failure", { cwd: "/x", command: "make", error: "x" }));
    const withError = (error: unknown) => parseHookInput("post-tool", JSON.stringify({ ...raw, error }), "/")!;
    expect([withError({ nested: true }).error, withError({ nested: true }).failed]).toEqual([null, true]);
    expect(withError({ message: "make: *** No rule to make target 'all'" }).error).toBe("make: *** No rule to make target 'all'");
    expect(withError(null).error).toBeNull();
  });

  test("VS Code's terminal tool with an exit code in tool_response", () => {
    const i = parseHookInput("post-tool", fixture("post-tool-bash-failure.camel", { cwd: "/x", command: "make", error: "error: no rule" }), "/")!;
    expect(i.toolKind).toBe("shell");
    expect(i.exitCode).toBe(1);
    expect(i.failed).toBe(true);
    expect(i.stdout).toBe("error: no rule");
  });

  test("a successful Bash call is not failed", () => {
    const i = parseHookInput("post-tool", fixture("post-tool-bash-ok", { cwd: "/x", command: "ls" }), "/")!;
    expect(i.failed).toBe(false);
    expect(i.exitCode).toBeNull();
  });

  test("edit tools in both spellings give the file path", () => {
    for (const name of ["pre-tool-edit", "pre-tool-edit.camel"]) {
      const i = parseHookInput("pre-tool", fixture(name, { cwd: "/x", file: "/x/src/fts.ts" }), "/")!;
      expect(i.toolKind).toBe("edit");
      expect(i.filePath).toBe("/x/src/fts.ts");
    }
  });

  test("wrong field types are ignored, not fatal", () => {
    const i = parseHookInput("prompt", JSON.stringify({ session_id: 42, cwd: ["no"], prompt: { a: 1 }, stop_hook_active: "yes" }), "/fb")!;
    expect(i.sessionId).toBeNull();
    expect(i.cwd).toBe("/fb");
    expect(i.prompt).toBe("");
    expect(i.stopHookActive).toBe(false);
  });

  test("real events from every client parse without a problem", () => {
    const names = readdirSync(join(import.meta.dir, "..", "fixtures", "hooks")).map((f) => f.replace(/\.json$/, ""));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const problems: string[] = [];
      const vars = { cwd: "/x", command: "npm test", error: "Exit code 1\nboom", file: "/x/a.ts", prompt: "hi", message: "done" };
      expect(parseHookInput(undefined, fixture(name, vars), "/", problems), name).not.toBeNull();
      expect(problems, name).toEqual([]);
    }
  });

  test("what is wrong with the input is reported, one short reason each", () => {
    const at = (raw: string, event = "prompt") => {
      const problems: string[] = [];
      const input = parseHookInput(event, raw, "/fb", problems);
      return { input, problems };
    };
    expect(at("{not json").problems).toEqual([expect.stringMatching(/^stdin is not JSON \(.+\); event skipped$/)]);
    expect(at("[1,2]").problems).toEqual(["stdin is an array, not a JSON object; event skipped"]);
    expect(at("").problems).toEqual(["stdin was empty (expected the agent's event JSON)"]);
    expect(at("{}", "Notification").problems).toEqual(['"Notification" is not an event cairn handles; event skipped']);
    const typo = at(JSON.stringify({ hook_event_name: "UserPromptSubmit", prompt: "hi" }), "bogus-event");
    expect(typo.input?.event).toBe("prompt");
    expect(typo.problems).toEqual(['"bogus-event" is not an event cairn handles; answered as the UserPromptSubmit the agent sent']);
    const shapes = at(JSON.stringify({ session_id: 42, prompt: ["a"], tool_name: "Bash", tool_input: { command: 7 }, stop_hook_active: "yes" }));
    expect(shapes.input).not.toBeNull(); // handled, with those fields ignored
    expect(shapes.problems).toEqual([
      "session_id is a number, expected a string",
      "prompt is an array, expected a string",
      "stop_hook_active is a string, expected a boolean",
      "tool_input.command is a number, expected a string",
    ]);
    // Tools cairn does not read, and tool results, are shaped by the tool: not reported.
    expect(at(JSON.stringify({ tool_name: "mcp__x__y", tool_input: { command: ["a"] }, tool_response: [{ type: "text" }] }), "post-tool").problems).toEqual([]);
  });

  test("a failure the user interrupted is flagged", () => {
    const raw = JSON.parse(fixture("post-tool-bash-failure", { cwd: "/x", command: "npm test", error: "Exit code 130" }));
    expect(parseHookInput("post-tool-failure", JSON.stringify({ ...raw, is_interrupt: true }), "/")!.interrupted).toBe(true);
    expect(parseHookInput("post-tool-failure", JSON.stringify(raw), "/")!.interrupted).toBe(false);
  });

  test("not JSON, or not an object → null", () => {
    expect(parseHookInput("prompt", "{not json", "/")).toBeNull();
    expect(parseHookInput("prompt", "[1,2]", "/")).toBeNull();
    expect(parseHookInput("prompt", "\"text\"", "/")).toBeNull();
  });
});

describe("output", () => {
  test("context events print hookSpecificOutput with the agent's event name", () => {
    const out = renderOutput({ event: "post-tool", agentEvent: "PostToolUseFailure" }, "hello");
    expect(JSON.parse(out)).toEqual({ hookSpecificOutput: { hookEventName: "PostToolUseFailure", additionalContext: "hello" } });
  });

  test("nothing for empty context or fire-and-forget events", () => {
    expect(renderOutput({ event: "prompt", agentEvent: "UserPromptSubmit" }, null)).toBe("");
    expect(renderOutput({ event: "stop", agentEvent: "Stop" }, "x")).toBe("");
  });

  test("context is capped below 10,000 characters", () => {
    const long = Array.from({ length: 500 }, (_, i) => `- line ${i} ${"x".repeat(40)}`).join("\n");
    const capped = capContext(long);
    expect(capped.length).toBeLessThanOrEqual(MAX_CONTEXT_CHARS);
    expect(capped.endsWith("(cut to fit)")).toBe(true);
  });
});

test("an event nested deeper than any agent sends is still read, and the depth is reported for hooks.log", () => {
  // Written as text: JSON.stringify of such a value would itself overflow the stack.
  const deep = `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`;
  const raw = `{"session_id":"s","hook_event_name":"PostToolUse","cwd":"/tmp","tool_name":"Bash","tool_input":{"command":"ls"},"tool_response":${deep}}`;
  const problems: string[] = [];
  const input = parseHookInput(undefined, raw, "/tmp", problems);
  expect(input?.event).toBe("post-tool");
  expect(input?.command).toBe("ls");
  expect(problems).toContain("the event nests more than 64 levels deep; only its known fields were read");
});
