/**
 * @module Hooks against a database another process holds locked (an exclusive lock, as a stopped process can
 * leave one): SQLite's wait for it is synchronous, out of reach of the event's watchdog, so it is bounded. The
 * event answers nothing within its deadline and says why in hooks.log; once the lock is gone, hooks answer again.
 */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { DEADLINE_MS } from "../../src/hooks/deadlines.ts";
import { requireBinary } from "../helpers/bin.ts";
import { type HookFaults, hookFaults } from "./hook-faults.ts";

requireBinary();
setDefaultTimeout(60_000);

let w: HookFaults;
beforeEach(async () => {
  w = await hookFaults();
});
afterEach(() => w.cleanup());

/** A process holding `db` locked against readers too, until it is killed. */
async function holdLocked(db: string): Promise<{ release: () => Promise<void> }> {
  const code = `const { Database } = require("bun:sqlite");
    const db = new Database(${JSON.stringify(db)});
    db.run("PRAGMA locking_mode = EXCLUSIVE");
    db.run("BEGIN EXCLUSIVE");
    db.run("UPDATE memories SET priority = priority");
    console.log("holding");
    setInterval(() => {}, 1000);`;
  const proc = Bun.spawn([process.execPath, "-e", code], { stdout: "pipe", stderr: "inherit" });
  w.pids.add(proc.pid);
  const reader = proc.stdout.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toContain("holding");
  return {
    release: async () => {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

describe("a locked database", () => {
  test("cold and warm hooks answer nothing within their deadline, log why, and answer again once it is free", async () => {
    const lock = await holdLocked(join(w.sb.cairnHome, "cairn.db"));
    const cold = await w.prompt("l-1", "off");
    expect(cold.out).toBe("");
    expect(cold.ms).toBeLessThan(DEADLINE_MS.prompt);
    expect(w.log()).toMatch(/prompt error: .*stayed locked for 500 ms/);

    const daemon = await w.startDaemon();
    const warm = await w.prompt("l-2");
    expect(warm.out).toBe("");
    expect(warm.ms).toBeLessThan(DEADLINE_MS.prompt);
    expect(w.log()).toMatch(/stayed locked for 1000 ms/);
    // The daemon answered (with nothing): it is not taken for stuck and replaced.
    expect(w.daemonPid()).toBe(daemon);

    await lock.release();
    expect((await w.prompt("l-3", "off")).out).toContain("stripe-mock");
    expect((await w.prompt("l-4")).out).toContain("stripe-mock");
    expect(w.log()).toContain("prompt ok, warm");
  });
});
