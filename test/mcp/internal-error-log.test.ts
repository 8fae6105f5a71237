/**
 * @module A tool failing from a bug writes one line to the server's log, not a stack: a failure repeated on
 * every call (787 stack lines on a full disk) must not flood the client's log. The stack is for debug level.
 */
import { expect, spyOn, test } from "bun:test";
import { setLogLevel } from "../../src/log.ts";
import { connect, errorText } from "./helpers.ts";

test("an unexpected error: one log line naming the tool and where it happened; the agent gets a short message", async () => {
  const h = await connect();
  const lines: string[] = [];
  const spy = spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => {
    lines.push(...String(chunk).trimEnd().split("\n"));
    return true;
  });
  try {
    h.engine.store.close(); // every later read throws a plain Error: a bug as far as the tool can tell
    for (let i = 0; i < 3; i++) expect(errorText(await h.call("recall", { query: "anything", mode: "keyword" }))).toMatch(/^Internal error: /);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^cairn error: tool recall failed: .*was closed \(at .+\)$/);
    lines.length = 0;
    setLogLevel("debug");
    await h.call("recall", { query: "anything", mode: "keyword" });
    expect(lines.some((l) => /^\s+at /.test(l))).toBe(true);
  } finally {
    setLogLevel("warn");
    spy.mockRestore();
    await h.close().catch(() => undefined);
  }
});
