/** @module "What happened when": memories in a time window, in the order the remembered things happened. */
import type { Memory } from "../domain/memory.ts";
import type { EngineContext } from "./context.ts";
import { listMemories } from "./list.ts";
import type { ScopeOptions } from "./scope.ts";

export interface TimelineInput extends ScopeOptions {
  /** Inclusive, epoch ms (event time when known, else creation time). */
  since?: number;
  /** Exclusive, epoch ms; by default now: what is still to come (a reminder due next week) did not happen yet. */
  until?: number;
  types?: string[];
  /** At most this many events, the latest ones in the window (default 50). */
  limit?: number;
}

export interface TimelineResult {
  /** Oldest first. */
  events: Memory[];
  /** How many memories fall in the window in all; more than `events.length` when the limit cut older ones. */
  total: number;
}

export const DEFAULT_TIMELINE_LIMIT = 50;

/** Takes the latest `limit` events of the window, then returns them oldest first, as a timeline reads. */
export function timeline(ctx: EngineContext, input: TimelineInput): TimelineResult {
  // QA: three pending reminders filled "the latest events" and pushed out what had happened.
  const { memories, total } = listMemories(ctx, {
    ...input,
    until: input.until ?? ctx.now() + 1,
    limit: input.limit ?? DEFAULT_TIMELINE_LIMIT,
    order: "newest",
    by: "event",
  });
  return { events: memories.reverse(), total };
}
