/** @module Retention and legal hold through the binary: rules, a hold, sweep (dry run, then real), refusals in the CLI and MCP, the audit chain. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { McpProcess } from "./mcp-process.ts";

let s: Sandbox;
beforeEach(() => {
  s = createSandbox("cairn-retain-");
});
afterEach(() => s.cleanup());

const OLD = "2020-03-01T00:00:00.000Z";
const ID_OLD = "01900000-0000-7000-8000-0000000000a1";
const ID_HELD = "01900000-0000-7000-8000-0000000000b2";

function record(id: string, content: string, tags: string[]): string {
  return JSON.stringify({ id, content, type: "error", tags, project: null, created_at: OLD, updated_at: OLD, priority: 3, status: "active" });
}

test("rules and a hold set through the CLI: the sweep purges the old memory, leaves the held one, and MCP cannot forget it", async () => {
  await s.ok(["import", "-"], { stdin: `${record(ID_OLD, "ENOSPC writing the build cache", [])}\n${record(ID_HELD, "Ledger mismatch during the audit", ["legal"])}\n` });
  const rule = await s.json<{ rule: { id: string; keep_ms: number; grace_ms: number } }>(["retention", "set", "--type", "error", "--keep", "90d", "--grace", "0d", "--json"]);
  expect(rule.rule).toMatchObject({ keep_ms: 90 * 86_400_000, grace_ms: 0 });
  const hold = await s.json<{ hold: { id: string }; covered: number }>(["hold", "add", "--tag", "legal", "--reason", "regulator inquiry", "--json"]);
  expect(hold.covered).toBe(1);
  expect((await s.json<{ rules: unknown[] }>(["retention", "show", "--json"])).rules).toHaveLength(1);
  expect((await s.json<{ holds: Array<{ id: string }> }>(["hold", "list", "--json"])).holds.map((h) => h.id)).toEqual([hold.hold.id]);

  const dry = await s.json<{ dry_run: boolean; expired: Array<{ id: string }>; purged: Array<{ id: string }>; held: Array<{ id: string; hold: string }> }>(["sweep", "--dry-run", "--json"]);
  expect(dry).toMatchObject({ dry_run: true, expired: [{ id: ID_OLD }], purged: [{ id: ID_OLD }], held: [{ id: ID_HELD, hold: hold.hold.id }] });
  expect((await s.json<{ id: string }>(["get", ID_OLD, "--json"])).id).toBe(ID_OLD);

  const human = await s.ok(["sweep"]);
  expect(human.stdout).toContain("Purged 1");
  expect(human.stdout).toContain(hold.hold.id);
  expect((await s.run(["get", ID_OLD])).exitCode).toBe(1);

  const edit = await s.run(["edit", ID_HELD, "--content", "changed"]);
  expect(edit.exitCode).toBe(1);
  expect(edit.stderr).toContain(`legal hold ${hold.hold.id}`);
  expect((await s.run(["forget", ID_HELD, "--hard", "--yes"])).stderr).toContain("regulator inquiry");

  const mcp = new McpProcess(requireBinary(), { home: s.cairnHome, cwd: s.cwd, env: s.env() });
  try {
    await mcp.initialize();
    const reply = (await mcp.call("forget", { id: ID_HELD })).result;
    expect(reply.isError).toBe(true);
    expect(reply.content[0].text).toContain(hold.hold.id);
    mcp.closeStdin();
    await mcp.exited;
  } finally {
    await mcp.kill();
  }

  expect((await s.run(["hold", "release", hold.hold.id])).exitCode).toBe(2);
  await s.ok(["hold", "release", hold.hold.id, "--reason", "inquiry closed"]);
  const after = await s.json<{ purged: Array<{ id: string; receipt: { audit_seq: number } }> }>(["sweep", "--json"]);
  expect(after.purged.map((p) => p.id)).toEqual([ID_HELD]);

  const log = await s.json<{ entries: Array<{ op: string; memory_id: string }> }>(["audit", "log", "--limit", "100", "--json"]);
  const ops = log.entries.map((e) => `${e.op} ${e.memory_id}`).reverse();
  expect(ops.filter((o) => !o.startsWith("create"))).toEqual([
    `retention ${rule.rule.id}`,
    `hold ${hold.hold.id}`,
    `expire ${ID_OLD}`,
    `purge ${ID_OLD}`,
    `release ${hold.hold.id}`,
    `expire ${ID_HELD}`,
    `purge ${ID_HELD}`,
  ]);
  expect((await s.json<{ ok: boolean }>(["audit", "verify", "--json"])).ok).toBe(true);
  await s.ok(["retention", "clear", "--all"]);
  expect((await s.json<{ rules: unknown[] }>(["retention", "show", "--json"])).rules).toEqual([]);
});

test("a hold on a tag nothing carries is placed (it holds what is tagged later) and says it covers none now", async () => {
  await s.ok(["remember", "ledger mismatch", "--tags", "legal"]);
  expect((await s.json<{ covered: number }>(["hold", "add", "--tag", "legal", "--reason", "case 1", "--json"])).covered).toBe(1);
  expect((await s.run(["hold", "add", "--tag", "legl", "--reason", "a typo"])).stdout).toContain("it covers 0 memories now (none carries that tag yet");
});

test("cairn sweep takes everything past retention, a batch at a time; a dry run says when more remain than it lists (QA)", async () => {
  const lines = Array.from({ length: 1030 }, (_, i) => record(`01900000-0000-7000-8000-${String(i).padStart(12, "0")}`, `old build error number ${i}`, []));
  await s.ok(["import", "-", "--no-embed"], { stdin: `${lines.join("\n")}\n` });
  await s.ok(["retention", "set", "--type", "error", "--keep", "90d", "--grace", "30d"]);
  const dry = await s.json<{ expired: unknown[]; more: boolean }>(["sweep", "--dry-run", "--json"]);
  expect([dry.expired.length, dry.more]).toEqual([1000, true]);
  expect((await s.ok(["sweep", "--dry-run"])).stdout).toContain("takes them all");
  const real = await s.json<{ expired: unknown[]; more: boolean }>(["sweep", "--json"]);
  expect([real.expired.length, real.more]).toEqual([1030, false]);
  expect((await s.json<{ memories: unknown[] }>(["list", "--json"])).memories).toEqual([]);
});

test("sweeps running at once each succeed, and each memory is expired and purged once (QA: 'No memory with id', two expire entries)", async () => {
  const lines = Array.from({ length: 60 }, (_, i) => record(`01900000-0000-7000-8000-1${String(i).padStart(11, "0")}`, `race memory number ${i}`, ["pii"]));
  await s.ok(["import", "-", "--no-embed"], { stdin: `${lines.join("\n")}\n` });
  await s.ok(["retention", "set", "--tag", "pii", "--keep", "30d", "--grace", "0d"]);
  const runs = await Promise.all([1, 2, 3].map(() => s.run(["sweep", "--json"])));
  for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
  const reports = runs.map((r) => JSON.parse(r.stdout) as { expired: Array<{ id: string }>; purged: Array<{ id: string }> });
  expect(reports.flatMap((r) => r.expired).length).toBe(60);
  expect(reports.flatMap((r) => r.purged).length).toBe(60);
  const log = await s.json<{ entries: Array<{ op: string }> }>(["audit", "log", "--limit", "1000", "--json"]);
  expect(log.entries.filter((e) => e.op === "expire").length).toBe(60);
  expect(log.entries.filter((e) => e.op === "purge").length).toBe(60);
});

test("restore of a memory a rule expired says when it is purged and how to keep it, not just 'active already' (QA)", async () => {
  await s.ok(["import", "-", "--no-embed"], { stdin: `${record(ID_OLD, "ENOSPC writing the build cache", ["pii"])}\n` });
  const rule = await s.json<{ rule: { id: string } }>(["retention", "set", "--tag", "pii", "--keep", "30d", "--grace", "30d", "--json"]);
  await s.ok(["sweep"]);
  const out = (await s.ok(["restore", ID_OLD])).stdout;
  expect(out).toContain(`retention rule ${rule.rule.id} expired it`);
  expect(out).toContain("the sweep purges it after");
  expect(out).toContain("cairn hold add --id");
});

test("a sweep with no rules that brings expired memories back does not say nothing was swept (QA)", async () => {
  await s.ok(["import", "-"], { stdin: `${record(ID_OLD, "ENOSPC writing the build cache", [])}\n` });
  await s.ok(["retention", "set", "--type", "error", "--keep", "90d", "--grace", "30d"]);
  expect((await s.json<{ expired: Array<{ id: string }> }>(["sweep", "--json"])).expired.map((e) => e.id)).toEqual([ID_OLD]);
  await s.ok(["retention", "clear", "--all"]);
  const out = (await s.ok(["sweep"])).stdout;
  expect(out).toContain("Brought back 1");
  expect(out).not.toContain("nothing is swept");
  expect(out).toContain("No retention rules are set, so nothing expires or is purged");
});
