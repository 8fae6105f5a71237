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

test("relate supersedes on a pair noted as a possible conflict says the newer one is current, not that both stay (QA)", async () => {
  const old = await s.json<{ id: string }>(["remember", "We use Node 18", "--type", "fact", "--json"]);
  const next = await s.json<{ id: string; conflicts?: unknown[] }>(["remember", "We use Node 20", "--type", "fact", "--json"]);
  expect(next.conflicts).toHaveLength(1);
  const out = (await s.ok(["relate", next.id, "supersedes", old.id])).stdout;
  expect(out).toContain("The possible conflict noted on write between them is settled: the newer one is current.");
  expect(out).not.toContain("both stay");
  expect(out).toContain(`${old.id.slice(-8)} is now superseded`);
});

test("cairn get lists a memory's links and a conflict noted on write, which relate --dismiss settles", async () => {
  const remember = async (content: string, type = "fact") => await s.json<{ id: string; conflicts?: Array<{ id: string }> }>(["remember", content, "--type", type, "--json"]);
  const before = await remember("The public API listens on port 8080 behind nginx.");
  const after = await remember("The public API listens on port 9090 behind nginx.");
  expect(after.conflicts?.map((c) => c.id)).toEqual([before.id]);
  const fix = await remember("The firewall must allow the public API's port, or nginx returns 502.", "lesson");
  await s.ok(["relate", fix.id, "depends_on", after.id]);

  const got = await s.json<{ id: string; links: unknown[] }>(["get", after.id, "--json"]);
  expect(got.id).toBe(after.id);
  expect(got.links).toEqual([
    { relation: "contradicts", direction: "out", id: before.id, possible: true },
    { relation: "depends_on", direction: "in", id: fix.id },
  ]);
  const text = (await s.ok(["get", after.id])).stdout;
  expect(text).toContain("Links:");
  expect(text).toContain(`contradicts (possibly: noted on write, not settled) → ${before.id.slice(-8)}  fact  The public API listens on port 8080`);
  expect(text).toContain(`← depends_on ${fix.id.slice(-8)}  lesson  The firewall must allow`);
  expect((await s.ok(["get", before.id])).stdout).toContain(`← contradicts (possibly: noted on write, not settled) ${after.id.slice(-8)}`);
  expect((await s.ok(["get", fix.id, "--json"]).then((r) => JSON.parse(r.stdout) as { links: unknown[] })).links).toEqual([
    { relation: "depends_on", direction: "out", id: after.id },
  ]);
  // Dismissed: both stay, and get says how the link stands.
  const dismissed = await s.ok(["relate", after.id, "contradicts", before.id, "--dismiss"]);
  expect(dismissed.stdout).toContain(`Dismissed the possible conflict between ${after.id.slice(-8)} and ${before.id.slice(-8)}`);
  expect((await s.ok(["get", after.id])).stdout).toContain(`contradicts (noted on write, dismissed: not a conflict) → ${before.id.slice(-8)}`);
  // Dismissed again: said to be so already.
  expect(await s.json(["relate", after.id, "contradicts", before.id, "--dismiss", "--json"])).toEqual({
    from: after.id, relation: "contradicts", to: before.id, status: "exists", superseded: false, settled: "not_conflict", already: true,
  });
  expect((await s.ok(["relate", after.id, "contradicts", before.id, "--dismiss"])).stdout).toContain("was dismissed already; nothing changed");
  const wrong = await s.run(["relate", fix.id, "depends_on", after.id, "--dismiss"]);
  expect(wrong.exitCode).toBe(2);
  expect(wrong.stderr).toContain("--dismiss settles a possible conflict, so it goes with contradicts");
  const none = await s.run(["relate", fix.id, "contradicts", after.id, "--dismiss"]);
  expect(none.exitCode).toBe(2);
  expect(none.stderr).toContain("No possible conflict was noted on write between");
  const plain = await remember("Fonts are self-hosted from /static/fonts.");
  expect((await s.json<{ links: unknown[] }>(["get", plain.id, "--json"])).links).toEqual([]);
  expect((await s.ok(["get", plain.id])).stdout).not.toContain("Links:");
});
