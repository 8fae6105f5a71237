/**
 * @module The MCP tools on a store that cannot be written (a read-only disk, through the store's read-only
 * seam): the read tools answer, the write tools fail with a message for an agent, and nothing changes.
 */
import { afterEach, beforeEach, expect, spyOn, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, errorText, type Harness } from "./helpers.ts";

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cairn-mcp-ro-"));
  path = join(dir, "cairn.db");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("read tools work, write tools say the store is read-only, stderr gets one line, the file is unchanged", async () => {
  const writer = await connect({ path });
  const { id } = await writer.ok("remember", { content: "the staging database is reset every monday" });
  await writer.ok("remember", { content: "staging deploys need the vpn" });
  await writer.close();
  const before = readFileSync(path);

  const lines: string[] = [];
  const spy = spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => {
    lines.push(...String(chunk).trimEnd().split("\n"));
    return true;
  });
  let h: Harness | undefined;
  try {
    h = await connect({ path, readOnly: true });
    for (let i = 0; i < 2; i++) expect((await h.ok("recall", { query: "staging", mode: "keyword" })).results).toHaveLength(2);
    expect((await h.ok("get", { id })).memory.content).toBe("the staging database is reset every monday");
    expect((await h.ok("list", {})).memories).toHaveLength(2);
    expect((await h.ok("stats", {})).total).toBe(2);
    await h.ok("timeline", {});
    for (const [tool, args] of [
      ["remember", { content: "a fact that cannot be stored" }],
      ["update", { id, content: "reset every tuesday" }],
      ["forget", { id }],
    ] as const) {
      const text = errorText(await h.call(tool, args));
      expect({ tool, text }).toEqual({ tool, text: expect.stringMatching(/is read-only .*nothing was changed\. The recall, list and get tools still work/) });
      expect(text).not.toMatch(/(^|[\s`(])--[a-z]/);
    }
  } finally {
    await h?.close();
    spy.mockRestore();
  }
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/access counts are not recorded/);
  expect(readFileSync(path).equals(before)).toBe(true);
});
