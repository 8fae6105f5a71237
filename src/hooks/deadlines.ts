/** @module How long each hook event may take before cairn gives up on it (silently: hooks fail open). */
import type { HookEvent } from "./input.ts";

/**
 * A hook that hangs (a database locked by a stuck writer) would stall the agent until its own timeout;
 * we give up first. SessionEnd shares a 1.5 s budget among all hooks, so it gets less.
 */
export const DEADLINE_MS: Record<HookEvent, number> = scaled({
  "session-start": 5000,
  prompt: 5000,
  "pre-tool": 3000,
  "post-tool": 3000,
  stop: 3000,
  "pre-compact": 5000,
  "session-end": 1200,
});

/**
 * `CAIRN_HOOK_DEADLINE_SCALE` (a number ≥ 1) stretches every deadline: for a very slow machine, and for tests
 * whose point is not a race against the clock (a 64 MB event on a loaded CI machine).
 */
function scaled(deadlines: Record<HookEvent, number>): Record<HookEvent, number> {
  const scale = Math.max(1, Number(process.env.CAIRN_HOOK_DEADLINE_SCALE) || 1);
  return Object.fromEntries(Object.entries(deadlines).map(([event, ms]) => [event, ms * scale])) as Record<HookEvent, number>;
}

/**
 * How long the warm client waits for the daemon, counted from the hook's start: to connect, to hand over
 * the whole request, and for the reply. Past any of them the daemon is taken for stuck: the hook runs cold
 * in the half of the deadline left, and the daemon is replaced.
 */
export function warmDeadlines(event: HookEvent): { connectMs: number; sentMs: number; replyMs: number } {
  const d = DEADLINE_MS[event];
  return { connectMs: Math.min(250, d * 0.1), sentMs: d * 0.3, replyMs: d * 0.5 };
}

/** The daemon gives up on an event itself a little before its client would, and answers with nothing. */
export function daemonDeadline(event: HookEvent): number {
  return DEADLINE_MS[event] * 0.4;
}

/**
 * How long a hook's write (a capture) waits for another process's write lock before it is skipped and
 * logged. SQLite waits synchronously: in the daemon that stalls every session's hooks, so it waits less.
 */
export const WRITE_WAIT_MS = { warm: 100, cold: 500 } as const;

/**
 * How long any of a hook's reads (and the store's open) waits for another process's lock before the event
 * gives up (answering nothing, logged). SQLite waits synchronously, past the reach of the event's watchdog:
 * unbounded (10 s), a database held by a stopped process stalled a cold prompt hook for 13.6 s.
 */
export const LOCK_WAIT_MS = { warm: 1000, cold: 500 } as const;
