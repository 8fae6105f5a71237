/**
 * @module Memories get their vectors when they are written: a plain `remember` starts the background
 * worker (doctor stops warning without anyone running `models reembed`), and `import` embeds what it
 * wrote before it returns, so recall right after an import covers it; a backlog recall does not embed is
 * reported exactly (CLI and MCP).
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CAIRN_BIN } from "../helpers/bin.ts";
import { createSandbox, type DoctorReport, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "./mcp-process.ts";

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox("cairn-vectors-");
});
afterEach(() => sb.cleanup());

const vectorsCheck = async () => (await sb.json<DoctorReport>(["doctor", "--json"])).checks.find((c) => c.name === "vectors")!;

async function waitFor(what: string, cond: () => Promise<boolean> | boolean, ms = 45_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

test("remember starts the background worker: the memory gets its vector and the worker leaves", async () => {
  const on = { env: { CAIRN_EMBED_WORKER: "on" } };
  await sb.ok(["remember", "The billing service retries webhooks three times"], on);
  await sb.ok(["remember", "Staging deploys need the VPN"], on);
  await waitFor("doctor to report every vector made", async () => (await vectorsCheck()).level === "ok");
  expect((await vectorsCheck()).detail).toContain("every memory has a use-lite vector");
  await waitFor("the worker's lock to go", () => !existsSync(join(sb.cairnHome, "embed-worker.lock")));
});

test("a memory remembered while the worker rewrites the index after an import gets its vector too (QA: never)", async () => {
  const on = { env: { CAIRN_EMBED_WORKER: "on" } };
  const file = join(sb.root, "thirty.jsonl");
  writeFileSync(file, Array.from({ length: 30 }, (_, i) => JSON.stringify({ content: `imported memory ${i} about topic alpha${i} and the deploy pipeline` })).join("\n"));
  for (let attempt = 0; attempt < 2; attempt++) {
    await sb.ok(["import", file], on);
    await sb.ok(["remember", `We use pnpm workspaces, take ${attempt}; never run npm install`, "--type", "decision"], on);
    await waitFor("every memory's vector", async () => (await vectorsCheck()).level === "ok");
  }
});

test("with the worker off, a remembered memory stays without a vector and doctor says so", async () => {
  await sb.ok(["remember", "The billing service retries webhooks three times"]);
  const check = await vectorsCheck();
  expect(check.level).toBe("warn");
  expect(check.detail).toContain("1 memories have no use-lite vector");
});

test("import embeds what it wrote before returning; --no-embed leaves it", async () => {
  const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ content: `imported note ${i} about service ${i * 7}` })).join("\n");
  const report = await sb.json<{ created: number; vectors: { embedded: number; remaining: number } }>(["import", "-", "--json"], { stdin: lines });
  expect(report.created).toBe(40);
  expect(report.vectors).toEqual({ embedded: 40, remaining: 0 });
  expect((await vectorsCheck()).level).toBe("ok");

  const more = JSON.stringify({ content: "one more imported note about queues" });
  const skipped = await sb.json<Record<string, unknown>>(["import", "-", "--json", "--no-embed"], { stdin: more });
  expect(skipped.vectors).toBeUndefined();
  expect((await vectorsCheck()).level).toBe("warn");
});

test("a backlog is not embedded by recall: CLI and MCP say exactly how many memories lack a vector, keyword still finds them", async () => {
  // The worker is off in the sandbox, so the backlog stays: 40 is over what a recall embeds itself (32).
  const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ content: `backlog note ${i} about the payment queue` })).join("\n");
  await sb.ok(["import", "-", "--no-embed"], { stdin: lines });
  const cli = await sb.run(["recall", "payment queue", "--mode", "hybrid", "--json"]);
  const out = JSON.parse(cli.stdout) as { results: unknown[]; unembedded?: number };
  expect(out.unembedded).toBe(40);
  expect(out.results.length).toBeGreaterThan(0);
  expect(cli.stderr).toContain("40 memories have no vector yet");
  const human = await sb.run(["recall", "payment queue", "--mode", "hybrid"]);
  expect(human.stderr).toContain("note: 40 memories have no vector yet");
  expect((await vectorsCheck()).detail).toContain("40 memories have no use-lite vector");

  const mcp = new McpProcess(CAIRN_BIN, { home: sb.cairnHome, cwd: sb.cwd, env: sb.env() });
  try {
    await mcp.initialize();
    const r = await mcp.call("recall", { query: "payment queue", mode: "hybrid" });
    expect(r.result.structuredContent.unembedded).toBe(40);
    // Embedded meanwhile (by hand here, by the worker in real life): the count goes, nothing is left to say.
    await sb.ok(["models", "reembed"]);
    const after = await mcp.call("recall", { query: "payment queue", mode: "hybrid" });
    expect(after.result.structuredContent.unembedded).toBeUndefined();
  } finally {
    mcp.closeStdin();
    await mcp.exited;
  }
});
