/**
 * @module Reminders through `dist/cairn`: set with --at/--in, listed, shown by the SessionStart hook and MCP `resume`
 * once due and until acknowledged with the short id the briefing shows; bad input exits 2 and stores nothing.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { describeRun, requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";
import { McpProcess } from "./mcp-process.ts";

let sb: Sandbox;
let project: string;
beforeEach(() => {
  sb = createSandbox("cairn-e2e-remind-");
  project = sb.project("shop");
});
afterEach(() => sb.cleanup());

/** The SessionStart context, spawned as Claude Code does ("" when the hook printed nothing). */
async function sessionStart(): Promise<string> {
  const args = ["hook", "session-start"];
  const r = await sb.run(args, { cwd: project, stdin: fixture("session-start", { cwd: project }), env: { CAIRN_HOOK_DAEMON: "off" } });
  expect(r.exitCode, describeRun(args, r)).toBe(0);
  return r.stdout === "" ? "" : (JSON.parse(r.stdout).hookSpecificOutput.additionalContext as string);
}

const list = () => sb.json(["remind", "--list", "--json"], { cwd: project });

describe("cairn remind", () => {
  test("due reminders reach the SessionStart briefing until acknowledged by the id it shows; upcoming ones do not", async () => {
    const due = await sb.json(["remind", "tell the user the nightly backfill finished", "--at", "now", "--json"], { cwd: project });
    // The fields README promises everywhere, as --list and MCP give them (QA: create gave only id, status, due_at).
    expect(due).toMatchObject({ status: "created", project, due: true, state: "pending", content: "tell the user the nightly backfill finished" });
    const later = await sb.json(["remind", "remove the checkout feature flag", "--in", "3d", "--json"], { cwd: project });
    expect(Date.parse(later.due_at) - Date.parse(due.due_at)).toBeGreaterThan(3 * 86_400_000 - 60_000);

    const listed = await list();
    expect([listed.due.map((r: any) => r.id), listed.upcoming.map((r: any) => r.id)]).toEqual([[due.id], [later.id]]);
    const human = await sb.ok(["remind", "--list"], { cwd: project });
    expect(human.stdout).toContain("Due (1):");
    expect(human.stdout).toContain("Upcoming (1):");
    expect(human.stdout).toContain("(in 3d)");

    const briefing = await sessionStart();
    expect(briefing).toContain("tell the user the nightly backfill finished");
    expect(briefing).not.toContain("remove the checkout feature flag");
    const short = /backfill finished \(due [^,]+, id ([0-9a-f]{8})\)/.exec(briefing)?.[1];
    expect(short).toBe(due.id.slice(-8));

    const done = await sb.ok(["remind", "--done", short!], { cwd: project });
    expect(done.stdout).toContain(`Done: reminder ${short}`);
    expect(await sessionStart()).toBe("");
    expect((await list()).due).toEqual([]);
    expect(await sb.json(["remind", "--done", short!, "--json"], { cwd: project })).toMatchObject({ id: due.id, state: "done", due_at: due.due_at, changed: false });
  });

  test("a short --in falls due by itself", async () => {
    const r = await sb.json(["remind", "look at the deploy logs", "--in", "1s", "--json"], { cwd: project });
    expect((await list()).upcoming.map((x: any) => x.id)).toEqual([r.id]);
    const deadline = Date.now() + 15_000;
    let briefing = "";
    while (!briefing.includes("look at the deploy logs") && Date.now() < deadline) {
      await Bun.sleep(200);
      briefing = await sessionStart();
    }
    expect(briefing).toContain("look at the deploy logs");
  });

  test("cancel, and a global reminder seen from any project", async () => {
    const global = await sb.json(["remind", "renew the code-signing certificate", "--at", "now", "--global", "--json"], { cwd: project });
    expect(global.project).toBeNull();
    const other = sb.project("billing");
    expect(await sb.json(["remind", "--list", "--json"], { cwd: other })).toMatchObject({ due_total: 1 });
    const cancelled = await sb.ok(["remind", "--cancel", global.id], { cwd: other });
    expect(cancelled.stdout).toContain("Cancelled: reminder");
    expect(await sb.json(["remind", "--list", "--json"], { cwd: other })).toMatchObject({ due_total: 0, upcoming_total: 0 });
  });

  test("bad input exits 2 with a message saying what to do, and stores nothing", async () => {
    await sb.ok(["remember", "the payments service owns the ledger"], { cwd: project });
    const noteId = (await sb.json(["list", "--json"], { cwd: project })).memories[0].id as string;
    const cases: Array<[string[], string]> = [
      [["remind", "check the canary"], "neither was given"],
      [["remind", "check the canary", "--at", "2099-01-01", "--in", "2h"], "both were given"],
      [["remind", "check the canary", "--at", "2020-01-01"], "already past"],
      [["remind", "check the canary", "--at", "2d"], "--in 3d"],
      [["remind", "check the canary", "--in", "someday"], "Cannot read"],
      [["remind", "--list", "--in", "2h"], "does not go with --list"],
      [["remind", "check the canary", "--list"], "Use only one of"],
      [["remind"], "cairn remind \"check the canary\" --in 2h"],
      [["remind", "--done", noteId.slice(-8)], "not a reminder"],
    ];
    for (const [args, wanted] of cases) {
      const r = await sb.run(args, { cwd: project });
      expect({ args, exit: r.exitCode, stderr: r.stderr }).toEqual({ args, exit: 2, stderr: expect.stringContaining(wanted) });
    }
    const json = await sb.run(["remind", "check the canary", "--json"], { cwd: project });
    expect(JSON.parse(json.stdout).error.code).toBe("REMIND_WHEN");
    expect(await list()).toMatchObject({ due_total: 0, upcoming_total: 0 });
    expect((await sb.json(["stats", "--json"], { cwd: project })).total).toBe(1);
  });
});

describe("MCP remind through cairn mcp", () => {
  test("resume carries due reminders until the agent acknowledges them", async () => {
    const mcp = new McpProcess(requireBinary(), { home: sb.cairnHome, cwd: project, env: sb.env() });
    try {
      await mcp.initialize();
      const created = await mcp.call("remind", { content: "ask the user about the flaky login test", at: "now" });
      const id = created.result.structuredContent.id as string;
      await mcp.call("remind", { content: "drop the legacy table", in: "2d" });
      const resumed = (await mcp.call("resume")).result.structuredContent;
      expect(resumed.due_reminders.map((r: any) => r.id)).toEqual([id]);
      expect((await mcp.call("remind", { action: "done", id: id.slice(-8) })).result.structuredContent.changed).toBe(true);
      expect((await mcp.call("resume")).result.structuredContent).toEqual({ found: false });
    } finally {
      mcp.proc.stdin.end();
      await mcp.exited;
    }
  });
});
