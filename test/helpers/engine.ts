/** @module Test helper: an Engine over a fresh in-memory store with a controllable clock. */
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

export const T0 = Date.parse("2026-01-01T00:00:00Z");

export function testEngine(opts: { project?: string; path?: string } = {}) {
  const clock = { now: T0 };
  const store = new SqliteStore(opts.path ?? ":memory:");
  const engine = new Engine({ store, project: opts.project ?? "/work/app", actor: "test", now: () => clock.now });
  return {
    engine,
    store,
    clock,
    /** Moves the clock forward by `ms`. */
    advance(ms: number) {
      clock.now += ms;
    },
  };
}
