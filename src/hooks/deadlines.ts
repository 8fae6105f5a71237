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

export type WarmPhase = "connect" | "send" | "reply";
type Waits = Record<`${"connect" | "sent" | "reply"}Ms`, number>;

/** The warm client's waits for a `deadline`: to connect, to hand over the whole request, and for the reply. */
const waitsWithin = (deadline: number): Waits => ({ connectMs: Math.min(250, deadline * 0.1), sentMs: deadline * 0.3, replyMs: deadline * 0.5 });

/**
 * How long the warm client waits for the daemon, counted from when the event was read, `spentMs` after the
 * hook started: a share of the time left, so the hook can still run cold in the other half. Past any of them
 * the daemon is taken for stuck and replaced, unless that wait was cut short (`cut`): an agent that wrote the
 * event late left it less than its usual time (QA: 1.7 s late on pre-tool's 3 s left the daemon 2 ms, and a
 * healthy daemon was killed).
 */
export function warmWaits(event: HookEvent, spentMs: number): { waits: Waits; cut: (phase: WarmPhase) => boolean } {
  const usual = waitsWithin(DEADLINE_MS[event]);
  const waits = waitsWithin(Math.max(0, DEADLINE_MS[event] - spentMs));
  const key = { connect: "connectMs", send: "sentMs", reply: "replyMs" } as const;
  return { waits, cut: (phase) => waits[key[phase]] < 0.8 * usual[key[phase]] };
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
