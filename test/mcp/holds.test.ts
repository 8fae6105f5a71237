/** @module Legal holds through MCP: update and forget refuse a held memory in the agent's wording; tool calls mark activity. */
import { describe, expect, test } from "bun:test";
import { IdleSweeper } from "../../src/engine/idle-sweep.ts";
import { connect, errorText } from "./helpers.ts";

const DAY = 86_400_000;

describe("MCP tools and legal holds", () => {
  test("update and forget refuse a held memory naming the hold, with no CLI flags; nothing changes", async () => {
    const h = await connect();
    try {
      const { id } = await h.ok("remember", { content: "Settlement draft terms for the vendor dispute", tags: ["legal"] });
      const hold = h.engine.addHold({ tag: "legal", reason: "litigation hold 2026-17" });
      const auditBefore = h.engine.auditHead().count;

      const upd = errorText(await h.call("update", { id, content: "rewritten" }));
      expect(upd).toContain(hold.id);
      expect(upd).toContain("litigation hold 2026-17");
      expect(upd).toContain("cannot be edited");
      expect(upd).not.toMatch(/(^|[\s`(])--[a-z]/);
      const fgt = errorText(await h.call("forget", { id, reason: "cleanup" }));
      expect(fgt).toContain("cannot be forgotten");
      expect(fgt).toContain(hold.id);

      expect(h.engine.get(id, { track: false })).toMatchObject({ content: "Settlement draft terms for the vendor dispute", status: "active" });
      expect(h.engine.auditHead().count).toBe(auditBefore);

      h.engine.releaseHold(hold.id, "settled");
      expect((await h.ok("forget", { id })).status).toBe("archived");
    } finally {
      await h.close();
    }
  });

  test("tool calls count as activity: the idle sweep waits for quiet and runs once it comes", async () => {
    let now = 0;
    const swept: number[] = [];
    const sweeper = new IdleSweeper({ sweep: () => swept.push(now), lastSweep: () => null, now: () => now, idleMs: 60_000 });
    const h = await connect({ activity: sweeper });
    try {
      h.engine.setRetention({ type: "error", keepMs: DAY });
      now = 59_000;
      await h.ok("remember", { content: "a write keeps the server busy" });
      now = 100_000;
      expect(sweeper.tick()).toBe(false); // 41 s after the last call
      now = 120_000;
      expect(sweeper.tick()).toBe(true);
      expect(swept).toEqual([120_000]);
    } finally {
      await h.close();
    }
  });
});
