/** @module SessionStart and reminders: due ones lead the briefing until acknowledged; not yet due ones stay out. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { contextOf, fixture, type HookWorld, hookWorld } from "./helpers.ts";

const HOUR = 3_600_000;

let w: HookWorld;
beforeEach(() => {
  w = hookWorld();
});
afterEach(() => w.cleanup());

/** Writes with an engine whose clock runs `shiftMs` behind the real one: "in 1h" from two hours ago is due now. */
function seed<T>(fn: (e: Engine) => T, opts: { shiftMs?: number; project?: string } = {}): T {
  const shift = opts.shiftMs ?? 0;
  const engine = new Engine({
    store: new SqliteStore(join(w.cairnHome, "cairn.db")),
    project: opts.project ?? w.project,
    actor: "test",
    now: () => Date.now() - shift,
  });
  try {
    return fn(engine);
  } finally {
    engine.close();
  }
}

const briefing = async () => contextOf(await w.hook("session-start", fixture("session-start", { cwd: w.project })));

describe("session-start reminders", () => {
  test("a due reminder opens the briefing with its short id; a not yet due one is absent", async () => {
    const id = seed((e) => e.remind({ content: "ask the user whether the canary looked healthy", in: "1h" }).id, { shiftMs: 2 * HOUR });
    seed((e) => e.remind({ content: "publish the release notes", in: "1h" }));
    const ctx = await briefing();
    const lines = ctx.split("\n");
    expect(lines[1]).toStartWith("Due reminders");
    const short = seed((e) => e.shortIds([id]).get(id)!);
    expect(lines[2]).toContain("ask the user whether the canary looked healthy");
    expect(lines[2]).toContain(`id ${short}`);
    expect(ctx).not.toContain("publish the release notes");
  });

  test("only due reminders: still a briefing; acknowledged: gone, and nothing left means no output", async () => {
    const id = seed((e) => e.remind({ content: "rotate the deploy key", at: "now" }).id);
    expect(await briefing()).toContain("rotate the deploy key");
    seed((e) => e.closeReminder(id, "done"));
    expect(await w.hook("session-start", fixture("session-start", { cwd: w.project }))).toBe("");
  });

  test("global reminders count; another project's do not", async () => {
    seed((e) => e.remind({ content: "renew the code-signing certificate", at: "now", project: null }));
    seed((e) => e.remind({ content: "migrate the other service", at: "now" }), { project: "/elsewhere" });
    const ctx = await briefing();
    expect(ctx).toContain("renew the code-signing certificate");
    expect(ctx).not.toContain("migrate the other service");
  });

  test("more due reminders than the section holds: the rest are counted, pointing at the list", async () => {
    seed((e) => {
      for (let i = 0; i < 7; i++) e.remind({ content: `due reminder number ${i}`, at: "now" });
    });
    const ctx = await briefing();
    expect(ctx).toContain("(2 more: cairn remind --list)");
    expect(ctx.match(/due reminder number/g)).toHaveLength(5);
  });
});
