/** @module Background sync: only when quiet, on its interval, backing off (doubling, capped) while the server is down. */
import { expect, test } from "bun:test";
import { BackgroundSync } from "../../src/sync/background.ts";

test("waits while busy, backs off on failures up to the cap, and returns to the interval after a success", async () => {
  let now = 0;
  let busy = false;
  let fail = true;
  let runs = 0;
  const errors: string[] = [];
  const bg = new BackgroundSync({
    run: async () => {
      runs++;
      if (fail) throw new Error("server down");
      return true;
    },
    busy: () => busy,
    intervalMs: 1000,
    maxBackoffMs: 5000,
    now: () => now,
    onError: (m) => errors.push(m),
  });
  busy = true;
  expect(await bg.tick()).toBe(false);
  expect(runs).toBe(0);
  busy = false;
  const waits: number[] = [];
  for (let i = 0; i < 4; i++) {
    await bg.tick();
    waits.push(bg.nextAt - now);
    now = bg.nextAt - 1;
    expect(await bg.tick()).toBe(false); // not yet
    now = bg.nextAt;
  }
  expect(waits).toEqual([2000, 4000, 5000, 5000]);
  expect(bg.failures).toBe(4);
  expect(errors).toHaveLength(1); // the same failure is told once per streak
  fail = false;
  expect(await bg.tick()).toBe(true);
  expect(bg.failures).toBe(0);
  expect(bg.nextAt - now).toBe(1000);
  expect(runs).toBe(5);
});
