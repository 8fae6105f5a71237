/** @module MCP `remind`: create, list, done and cancel; due reminders in `resume` and the briefing resource until acknowledged. */
import { afterEach, describe, expect, test } from "bun:test";
import { BRIEFING_URI } from "../../src/mcp/briefing.ts";
import { connect, errorText, type Harness, PROJECT, T0 } from "./helpers.ts";

const HOUR = 3_600_000;
const FLAG = /(^|[\s`(])--[a-z]/;

let h: Harness;
afterEach(async () => h?.close());

async function briefingText(): Promise<string> {
  const { contents } = await h.client.readResource({ uri: BRIEFING_URI });
  return String((contents[0] as { text: string }).text);
}

describe("remind tool", () => {
  test("create with `in` or `at`; list splits due from upcoming on the server's clock", async () => {
    h = await connect();
    const later = await h.ok("remind", { content: "ask whether the canary stayed green", in: "2h" });
    expect(later).toMatchObject({ action: "create", status: "created", reminder: { due_at: "2026-01-01T02:00:00.000Z", due: false, state: "pending", project: PROJECT } });
    const now = await h.ok("remind", { action: "create", content: "answer the open review", at: "now", project: "global" });
    expect(now.reminder).toMatchObject({ due: true, project: null });
    const again = await h.ok("remind", { content: "ask whether the canary stayed green", in: "2h" });
    expect(again).toMatchObject({ id: later.id, status: "duplicate" });

    let list = await h.ok("remind", { action: "list" });
    expect([list.due.map((r: any) => r.id), list.upcoming.map((r: any) => r.id), list.due_total, list.upcoming_total]).toEqual([[now.id], [later.id], 1, 1]);
    h.clock.now = T0 + 3 * HOUR;
    list = await h.ok("remind", { action: "list" });
    expect(list.due.map((r: any) => r.id)).toEqual([now.id, later.id]);
    expect(list.upcoming).toEqual([]);
  });

  test("due reminders come with resume and the briefing resource until done; not yet due ones never", async () => {
    h = await connect();
    const due = await h.ok("remind", { content: "tell the user the backfill finished", at: "now" });
    await h.ok("remind", { content: "remove the feature flag", in: "1d" });
    const resumed = await h.ok("resume");
    expect(resumed.found).toBe(false);
    expect(resumed.due_reminders.map((r: any) => r.content)).toEqual(["tell the user the backfill finished"]);
    let text = await briefingText();
    expect(text).toContain("## Due reminders");
    expect(text).toContain(`tell the user the backfill finished (${due.id})`);
    expect(text).not.toContain("remove the feature flag");

    const done = await h.ok("remind", { action: "done", id: due.id.slice(-8) });
    expect(done).toMatchObject({ action: "done", id: due.id, changed: true, reminder: { state: "done" } });
    expect(await h.ok("resume")).toEqual({ found: false });
    text = await briefingText();
    expect(text).not.toContain("Due reminders");
    expect(await h.ok("remind", { action: "done", id: due.id })).toMatchObject({ changed: false });
  });

  test("resume keeps its checkpoint and adds due reminders beside it", async () => {
    h = await connect();
    await h.ok("checkpoint", { task: "split the store", progress: "rows done", next_steps: ["index"] });
    await h.ok("remind", { content: "run the migration dry-run", at: "now" });
    const resumed = await h.ok("resume");
    expect(resumed.checkpoint.task).toBe("split the store");
    expect(resumed.due_reminders).toHaveLength(1);
  });

  test("cancel withdraws a reminder before it is due", async () => {
    h = await connect();
    const r = await h.ok("remind", { content: "archive the old dashboards", in: "1h" });
    expect(await h.ok("remind", { action: "cancel", id: r.id })).toMatchObject({ changed: true, reminder: { state: "cancelled" } });
    h.clock.now = T0 + 2 * HOUR;
    expect((await h.ok("remind", { action: "list" })).due).toEqual([]);
  });

  test("mistakes are explained in tool terms and change nothing", async () => {
    h = await connect();
    const note = await h.ok("remember", { content: "the build cache lives in .cache" });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ content: "no time given" }, "`at` argument"],
      [{ content: "both", at: "2026-02-01", in: "1d" }, "both were given"],
      [{ content: "past", at: "2025-06-01" }, "already past"],
      [{ content: "ago", in: "2h ago" }, "points back in time"],
      [{ content: "nonsense", in: "whenever" }, "Cannot read"],
      [{ content: "  ", in: "1h" }, "`content` argument"],
      [{ action: "done" }, "`id` argument"],
      [{ action: "done", id: note.id }, "not a reminder"],
      [{ action: "list", content: "stray" }, "leave out `content`"],
      [{ action: "cancel", id: "ffffffff", at: "now" }, "leave out `at`"],
    ];
    for (const [args, wanted] of cases) {
      const text = errorText(await h.call("remind", args));
      expect({ args, text, flag: FLAG.test(text) }).toEqual({ args, text: expect.stringContaining(wanted), flag: false });
    }
    const tooLong = await h.call("remind", { content: "x".repeat(2001), in: "1h" });
    expect(tooLong.isError).toBe(true);
    const list = await h.ok("remind", { action: "list" });
    expect([list.due_total, list.upcoming_total]).toEqual([0, 0]);
    expect((await h.ok("get", { id: note.id })).memory.status).toBe("active");
  });
});
