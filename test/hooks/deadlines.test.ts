/** @module The warm client's waits: a share of the time left once the event is read, and when a timeout blames the daemon. */
import { expect, test } from "bun:test";
import { DEADLINE_MS, warmWaits } from "../../src/hooks/deadlines.ts";

test("read at once, the daemon gets its usual waits and a timeout in any phase means it is stuck", () => {
  const { waits, cut } = warmWaits("pre-tool", 0);
  expect(waits).toEqual({ connectMs: 250, sentMs: DEADLINE_MS["pre-tool"] * 0.3, replyMs: DEADLINE_MS["pre-tool"] * 0.5 });
  expect(["connect", "send", "reply"].map((p) => cut(p as "connect"))).toEqual([false, false, false]);
  // A few milliseconds of reading change nothing of that.
  expect(warmWaits("pre-tool", 40).cut("reply")).toBe(false);
});

test("an event read late gets a share of what is left (not a wait already over), and its timeouts do not blame the daemon (QA)", () => {
  const total = DEADLINE_MS["pre-tool"];
  const { waits, cut } = warmWaits("pre-tool", 1700);
  expect(waits.replyMs).toBeCloseTo((total - 1700) * 0.5);
  expect(waits.sentMs).toBeGreaterThan(0);
  expect(cut("reply")).toBe(true);
  expect(cut("send")).toBe(true);
  // Past the whole deadline nothing is left to wait for.
  expect(warmWaits("pre-tool", total + 500).waits).toEqual({ connectMs: 0, sentMs: 0, replyMs: 0 });
});
