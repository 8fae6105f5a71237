/**
 * @module A one-shot `cairn recall` embeds its query through the warm hook daemon when one runs (the model
 * then never loads in the recall process), and its results are byte-identical to the in-process path: with
 * the daemon off, with no daemon, and with a socket nobody serves.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { isServing } from "../../src/hooks/warm/client.ts";
import { CAIRN_BIN, describeRun } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

let sb: Sandbox;
let project: string;
let daemon: ReturnType<typeof Bun.spawn> | undefined;
beforeEach(() => {
  sb = createSandbox("cairn-warm-embed-");
  project = sb.project("shop");
});
afterEach(() => {
  daemon?.kill("SIGKILL");
  daemon = undefined;
  sb.cleanup();
});

const sock = () => join(sb.cairnHome, "hookd.sock");

async function recall(query: string, env: Record<string, string>): Promise<{ out: string; err: string }> {
  const args = ["recall", query, "--mode", "hybrid", "--json", "--explain"];
  const r = await sb.run(args, { cwd: project, env: { CAIRN_EMBED_WORKER: "off", CAIRN_LOG_LEVEL: "debug", ...env } });
  expect(r.exitCode, describeRun(args, r)).toBe(0);
  return { out: r.stdout, err: r.stderr };
}

test("recall through the warm daemon's embedder gives exactly the in-process results", async () => {
  for (const text of ["We keep invoices in PostgreSQL, one schema per tenant", "The deploy script lives in ops/deploy.sh", "Caroline painted a sunrise over the lake last summer", "Retry the payment webhook three times before alerting"]) {
    await sb.ok(["remember", text], { cwd: project, env: { CAIRN_EMBED_WORKER: "off" } });
  }
  await sb.ok(["models", "reembed", "--wait"], { cwd: project, env: { CAIRN_EMBED_WORKER: "off" } });
  const queries = ["database for billing records", "an artwork at dawn", "webhook failures"];
  const local = [];
  for (const q of queries) local.push((await recall(q, { CAIRN_HOOK_DAEMON: "off" })).out);
  expect(local[0]).toContain("PostgreSQL");

  // A socket file nobody serves: the recall loads the model itself, same results.
  writeFileSync(sock(), "");
  const stale = await recall(queries[0]!, {});
  expect(stale.out).toBe(local[0]!);
  expect(stale.err).not.toContain("embedding through the hook daemon");

  daemon = Bun.spawn([CAIRN_BIN, "hook", "--serve"], { env: sb.env(), stdio: ["ignore", "ignore", "ignore"] });
  const until = Date.now() + 20_000;
  while (!(await isServing(sock()))) {
    if (Date.now() > until) throw new Error("the daemon did not start");
    await Bun.sleep(25);
  }
  for (const [i, q] of queries.entries()) {
    const warm = await recall(q, {});
    expect(warm.err).toContain("embedding through the hook daemon");
    expect(warm.out).toBe(local[i]!);
  }
  // The daemon switched off by the environment: in-process again.
  const off = await recall(queries[1]!, { CAIRN_HOOK_DAEMON: "off" });
  expect(off.err).not.toContain("embedding through the hook daemon");
  expect(off.out).toBe(local[1]!);
}, 120_000);
