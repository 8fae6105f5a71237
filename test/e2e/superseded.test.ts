/** @module Superseded memories stay out of recall unless asked for, in the CLI and MCP, and are marked when shown. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "./mcp-process.ts";

let sb: Sandbox;
let project: string;
beforeEach(() => {
  sb = createSandbox("cairn-e2e-superseded-");
  project = sb.project("shop");
});
afterEach(() => sb.cleanup());

test("recall leaves a superseded memory out by default; --include-superseded and include_superseded bring it back, marked", async () => {
  const old = (await sb.json<{ id: string }>(["remember", "We deploy the shop with Helm charts.", "--type", "decision", "--json"], { cwd: project })).id;
  const now = (await sb.json<{ id: string }>(["remember", "We moved shop deploys from Helm to Argo CD.", "--type", "decision", "--json"], { cwd: project })).id;
  await sb.ok(["relate", now, "supersedes", old], { cwd: project });

  type Hits = { results: Array<{ id: string; status: string; superseded_by: string | null }> };
  const plain = await sb.json<Hits>(["recall", "how do we deploy the shop helm", "--mode", "keyword", "--json"], { cwd: project });
  expect(plain.results.map((r) => r.id)).toEqual([now]);
  const all = await sb.json<Hits>(["recall", "how do we deploy the shop helm", "--mode", "keyword", "--include-superseded", "--json"], { cwd: project });
  expect(all.results.find((r) => r.id === old)).toMatchObject({ status: "superseded", superseded_by: now });
  expect((await sb.ok(["recall", "deploy the shop helm", "--mode", "keyword", "--include-superseded"], { cwd: project })).stdout).toContain("superseded");

  const mcp = new McpProcess(requireBinary(), { home: sb.cairnHome, cwd: project, env: sb.env() });
  try {
    await mcp.initialize();
    const ids = async (args: Record<string, unknown>) => (await mcp.call("recall", { query: "how do we deploy the shop helm", mode: "keyword", ...args })).result.structuredContent.results.map((r: { id: string }) => r.id);
    expect(await ids({})).toEqual([now]);
    expect(await ids({ include_superseded: true })).toEqual(expect.arrayContaining([now, old]));
  } finally {
    mcp.closeStdin();
    await mcp.exited;
  }
});

test("remember's possible-conflict hint says how to dismiss a kept one, and to leave both when nothing was kept", async () => {
  await sb.ok(["remember", "We deploy the shop with Helm charts to the production cluster.", "--type", "decision"], { cwd: project });
  const kept = (await sb.ok(["remember", "We moved shop deploys to Argo CD.", "--type", "decision"], { cwd: project })).stdout;
  expect(kept).toMatch(/contradicts \w+ --dismiss` \(else recall keeps putting the new one first\)/);
  await sb.ok(["remember", "Shop deploys run the database migrations automatically.", "--type", "fact"], { cwd: project });
  const reported = (await sb.ok(["remember", "Shop deploys do not run the database migrations automatically.", "--type", "fact"], { cwd: project })).stdout;
  expect(reported).toContain("says the opposite");
  expect(reported).toContain("if not, leave both.");
});
