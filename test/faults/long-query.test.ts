/**
 * @module Long queries through the compiled binary, in the default (hybrid) mode: `cairn recall` answers with
 * one JSON document for queries up to 200,000 characters in every script (a ~30,000-character query was
 * reported to kill it with SIGSEGV), and the MCP `recall` tool answers long queries or refuses over-long
 * ones with a clear error, never dying. Memories near the size limit embed too.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { requireBinary } from "../helpers/bin.ts";
import { fuzzText, SCRIPTS } from "../helpers/fuzz-text.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "../e2e/mcp-process.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
beforeAll(async () => {
  s = createSandbox();
  await s.ok(["remember", "--", "The deploy database migration failed because a lock was held"]);
  // A memory near the 64 KiB limit goes through the embedding path with the rest.
  await s.ok(["remember", "--", fuzzText("latin", 60_000)]);
});
afterAll(() => s.cleanup());

/** One argv entry may hold at most 128 KiB on Linux; the CLI joins positional words with spaces. */
function argvChunks(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 30_000) out.push(text.slice(i, i + 30_000));
  return out;
}

const SIZES = [1, 30_000, 200_000];

test("cairn recall answers long queries in every script with one JSON document", async () => {
  let i = 0;
  for (const script of SCRIPTS) {
    const size = SIZES[i++ % SIZES.length]!;
    const query = fuzzText(script, size, size, { nul: false });
    if (query.trim() === "") continue;
    const r = await s.run(["recall", "--json", "--", ...argvChunks(query)]);
    expect({ script, size, exit: r.exitCode, signal: r.signalCode }).toEqual({ script, size, exit: 0, signal: null });
    const out = JSON.parse(r.stdout);
    expect(out.mode).toBe("hybrid");
    expect(Array.isArray(out.results)).toBe(true);
  }
  // The long query still finds what its words say.
  const found = await s.json(["recall", "--json", "--", "deploy migration lock", ...argvChunks(fuzzText("mixed", 120_000, 7, { nul: false }))]);
  expect(found.results.map((r: { content: string }) => r.content)).toContain("The deploy database migration failed because a lock was held");
});

test("the MCP recall tool answers long queries and refuses over-long ones clearly", async () => {
  const mcp = new McpProcess(requireBinary(), { home: s.cairnHome, cwd: s.cwd, env: s.env() });
  try {
    await mcp.initialize();
    for (const script of SCRIPTS) {
      const reply = await mcp.call("recall", { query: fuzzText(script, 10_000) });
      expect(reply.result?.isError ?? false).toBe(false);
      expect(Array.isArray(reply.result.structuredContent.results)).toBe(true);
    }
    const tooLong = await mcp.call("recall", { query: fuzzText("latin", 200_000) });
    expect(tooLong.result.isError).toBe(true);
    expect(tooLong.result.content[0].text).toMatch(/10000 characters at query/);
    expect((await mcp.call("recall", { query: "deploy migration" })).result.structuredContent.results.length).toBeGreaterThan(0);
    mcp.assertAllStdoutIsJsonRpc();
  } finally {
    await mcp.kill();
  }
});
