/** @module `cairn graph`: a memory's neighbourhood over typed links, as a tree and as JSON, within the depth asked. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "./mcp-process.ts";

let s: Sandbox;
beforeEach(() => {
  s = createSandbox("cairn-graph-");
});
afterEach(() => s.cleanup());

test("links are followed hop by hop in both directions, up to --depth", async () => {
  const mcp = new McpProcess(requireBinary(), { home: s.cairnHome, cwd: s.cwd, env: s.env() });
  const ids: string[] = [];
  try {
    await mcp.initialize();
    for (const content of ["The checkout page times out under load", "Raised the DB pool size to 40", "Pool sizing notes for Postgres", "Unrelated note about fonts"]) {
      ids.push((await mcp.call("remember", { content })).result.structuredContent.id);
    }
    const link = async (from: string, to: string, relation: string) => expect((await mcp.call("relate", { from, to, relation })).result.isError).not.toBe(true);
    await link(ids[1]!, ids[0]!, "fixes");
    await link(ids[1]!, ids[2]!, "depends_on");
    mcp.closeStdin();
    await mcp.exited;
  } finally {
    await mcp.kill();
  }
  const [checkout, pool, notes] = ids as [string, string, string];
  const one = await s.json<{ root: string; nodes: Array<{ id: string }>; edges: Array<{ from: string; to: string; relation: string }> }>(["graph", checkout, "--depth", "1", "--json"]);
  expect(one.root).toBe(checkout);
  expect(one.nodes.map((n) => n.id).sort()).toEqual([checkout, pool].sort());
  expect(one.edges).toEqual([{ from: pool, to: checkout, relation: "fixes" }]);
  const two = await s.json<{ nodes: Array<{ id: string }> }>(["graph", checkout, "--json"]);
  expect(two.nodes.map((n) => n.id).sort()).toEqual([checkout, pool, notes].sort());
  const text = (await s.ok(["graph", checkout])).stdout;
  expect(text).toContain("← fixes");
  expect(text).toContain("depends_on →");
  expect(text).not.toContain("fonts");
});
