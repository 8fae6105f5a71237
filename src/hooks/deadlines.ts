/** @module How long each hook event may take before cairn gives up on it (silently: hooks fail open). */
import type { HookEvent } from "./input.ts";

/**
 * A hook that hangs (a database locked by a stuck writer) would stall the agent until its own timeout;
 * we give up first. SessionEnd shares a 1.5 s budget among all hooks, so it gets less.
 */
export const DEADLINE_MS: Record<HookEvent, number> = {
  "session-start": 5000,
  prompt: 5000,
  "pre-tool": 3000,
  "post-tool": 3000,
  stop: 3000,
  "pre-compact": 5000,
  "session-end": 1200,
};

/**
 * How long a hook's write (a capture) waits for another process's write lock before it is skipped and
 * logged. SQLite waits synchronously: in the daemon that stalls every session's hooks, so it waits less.
 */
export const WRITE_WAIT_MS = { warm: 100, cold: 500 } as const;
