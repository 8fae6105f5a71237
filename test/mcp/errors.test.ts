/** @module MCP tools speak to agents: errors name tools and arguments, never CLI commands' flags; short ids work as in the CLI. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { connect, errorText, type Harness } from "./helpers.ts";

let h: Harness;
beforeEach(async () => {
  h = await connect();
});
afterEach(() => h.close());

const FLAG = /(^|[\s`(])--[a-z]/;

describe("MCP errors and ids", () => {
  test("errors an agent can fix name the tool or argument to use, not a CLI flag or command", async () => {
    const { id } = await h.ok("remember", { content: "the queue is drained nightly" });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["get", { id: "ffffffff" }, "Use the `recall` or `list` tool"],
      ["update", { id }, "`event_time`"],
      ["recall", { query: "   " }, "`query` argument"],
      ["remember", { content: "  " }, "`content` argument"],
    ];
    for (const [tool, args, wanted] of cases) {
      const text = errorText(await h.call(tool, args));
      expect({ tool, text, flag: FLAG.test(text) }).toEqual({ tool, text: expect.stringContaining(wanted), flag: false });
      expect(text).not.toContain("`cairn list`");
    }
  });

  test("tools accept the short id (the last 8 characters) and report ambiguity with candidates", async () => {
    const { id } = await h.ok("remember", { content: "short ids work for agents too" });
    const other = await h.ok("remember", { content: "a second memory beside it" });
    expect((await h.ok("get", { id: id.slice(-8) })).memory.id).toBe(id);
    await h.ok("relate", { from: id.slice(-8), to: other.id.slice(-8), relation: "relates_to" });
    expect((await h.ok("forget", { id: other.id.slice(-8) })).id).toBe(other.id);
    let common = 0;
    while (id[common] === other.id[common]) common++;
    const text = errorText(await h.call("get", { id: id.slice(0, common) }));
    expect(text).toContain("matches 2 memories");
    expect(text).toContain(id.slice(-8));
  });
});
