/**
 * @module Reminders: a memory of type `reminder` whose event time is when it falls due. Pending = active;
 * acknowledging (done) or cancelling archives it, so it leaves briefings and recall and `restore` reopens it.
 */
import type { Memory, Scope } from "../domain/memory.ts";
import { dueAt, type ReminderMetadata } from "../domain/reminder.ts";
import { parseDuration, parseTime, toIso } from "../domain/time.ts";
import { CairnError, cairnError } from "../errors.ts";
import type { EngineContext } from "./context.ts";
import { resolveId } from "./ids.ts";
import { writeProject } from "./projects.ts";
import { buildMemory } from "./remember.ts";
import { exactScope, resolveScope, type ScopeOptions } from "./scope.ts";
import { checkContent } from "./validate.ts";
import { assertNotHeld } from "./holds.ts";

/** A reminder is one thing to bring up, not a document; detail belongs in a memory it can name. */
export const MAX_REMINDER_CHARS = 2000;

/** A time typed to the minute ("--at 14:30" style ISO) is seconds old when read; up to a minute past counts as now. */
export const PAST_GRACE_MS = 60_000;

/** Reminders with the same words due this close together are one reminder set twice. */
const SAME_TIME_MS = 60_000;

/** The latest time a JavaScript Date (and so an ISO string) can hold. */
const MAX_TIME = 8.64e15;

/** When: exactly one of an absolute or relative-to-now time (`at`) and a delay from now (`in`). */
export interface RemindWhen {
  at?: string;
  in?: string;
}

export interface RemindInput extends RemindWhen {
  content: string;
  /** A project (any name for it, see projects.ts); null = global; undefined = the engine's project. */
  project?: string | null;
  tags?: string[];
  sessionId?: string | null;
  agent?: string | null;
  source?: string | null;
}

export interface RemindResult {
  id: string;
  /** duplicate = the same text was already pending, due within a minute of this, in the same scope. */
  status: "created" | "duplicate";
  reminder: Memory;
}

export interface RemindersInput extends ScopeOptions {
  /** Most reminders per list (due, upcoming); default 50. */
  limit?: number;
}

export interface Reminders {
  /** Pending and due (due time ≤ now), most overdue first. */
  due: Memory[];
  /** Pending, not yet due, soonest first. */
  upcoming: Memory[];
  dueTotal: number;
  upcomingTotal: number;
}

/** The due time `when` names, read against `now`; throws REMIND_WHEN, REMIND_PAST or BAD_TIME. */
export function dueTime(when: RemindWhen, now: number): number {
  const at = when.at?.trim() || undefined;
  const delay = when.in?.trim() || undefined;
  if ((at === undefined) === (delay === undefined)) throw cairnError("REMIND_WHEN", [at === undefined ? "neither was" : "both were"]);
  let due: number;
  if (delay !== undefined) {
    const ms = parseDuration(delay);
    // parseDuration also reads "3d ago" (for --since); as a delay from now that is a time already past.
    // QA: the message spoke of `at`, which the caller had not given.
    if (/ago$/i.test(delay)) throw cairnError("REMIND_DELAY_PAST", [delay, toIso(now - ms)!, toIso(now)!]);
    due = now + ms;
  } else {
    try {
      due = parseTime(at!, now);
    } catch (err) {
      // The time parser's hint offers "3d", which as a due time is three days ago: a reminder's is its own.
      if (err instanceof CairnError && err.code === "BAD_TIME") throw cairnError("BAD_DUE_TIME", [at!]);
      throw err;
    }
    if (due < now - PAST_GRACE_MS) throw cairnError("REMIND_PAST", [at!, toIso(due)!, toIso(now)!]);
    // Up to a minute past is a time typed a moment ago: taken as now.
    due = Math.max(due, now);
  }
  if (!Number.isFinite(due) || due > MAX_TIME) throw cairnError("BAD_TIME", [at ?? delay!]);
  return due;
}

export function remind(ctx: EngineContext, input: RemindInput): RemindResult {
  if (input.content.trim() === "") throw cairnError("EMPTY_REMINDER");
  const content = checkContent(input.content);
  // Characters as a person counts them (code points): an emoji is one, not two UTF-16 units (QA).
  const chars = [...content].length;
  if (chars > MAX_REMINDER_CHARS) {
    throw cairnError("REMINDER_TOO_LONG", [chars, MAX_REMINDER_CHARS]);
  }
  const now = ctx.now();
  const due = dueTime(input, now);
  const draft = buildMemory(
    ctx,
    {
      content,
      type: "reminder",
      tags: input.tags,
      project: writeProject(ctx, input.project),
      eventTime: due,
      sessionId: input.sessionId,
      agent: input.agent,
      source: input.source,
    },
    now,
  );
  return ctx.store.transaction(() => {
    // Not storeOrReinforce: the same words for another time are another reminder, and a note with these
    // words is not one. Only a retry (same words and scope, still pending, due within a minute: "--in 2h"
    // twice) is a duplicate.
    const near = { since: due - SAME_TIME_MS, until: due + SAME_TIME_MS + 1 };
    const same = ctx.store
      .list({ scope: exactScope(draft.project), types: ["reminder"], ...near }, now, { limit: 100 })
      .find((m) => m.canonicalHash === draft.canonicalHash);
    if (same) return { id: same.id, status: "duplicate", reminder: same };
    ctx.store.insert(draft);
    ctx.store.appendAudit({
      at: now,
      actor: ctx.actor,
      op: "create",
      memoryId: draft.id,
      hashBefore: null,
      hashAfter: draft.contentHash,
      contentBefore: null,
      detail: { type: "reminder", due_at: toIso(due) },
    });
    return { id: draft.id, status: "created", reminder: draft };
  });
}

/** Pending reminders in scope (default: the engine's project plus global), split into due and upcoming. */
export function reminders(ctx: EngineContext, input: RemindersInput = {}): Reminders {
  const scope = resolveScope(ctx, input);
  const limit = input.limit ?? 50;
  const due = pending(ctx, scope, "due", limit);
  const upcoming = pending(ctx, scope, "upcoming", limit);
  return { due: due.shown, upcoming: upcoming.shown, dueTotal: due.total, upcomingTotal: upcoming.total };
}

/** Due reminders of `project` and the global scope, for briefings: most overdue first, with the total. */
export function dueReminders(ctx: EngineContext, project: string, limit: number): { shown: Memory[]; total: number } {
  return pending(ctx, { projects: [project], includeGlobal: true }, "due", limit);
}

/** Active reminders either due (event time ≤ now) or upcoming, soonest due first. */
function pending(ctx: EngineContext, scope: Scope, which: "due" | "upcoming", limit: number): { shown: Memory[]; total: number } {
  const now = ctx.now();
  // The store's time bounds are `since` inclusive and `until` exclusive.
  const bound = which === "due" ? { until: now + 1 } : { since: now + 1 };
  const reminders = { scope, types: ["reminder" as const] };
  // The reminders are read by type and sorted, their time checked here: bounded by time, the read went through
  // the index of every memory's time, every memory before now (4.5 s of a session's briefing at 1M memories).
  const inBound = (m: Memory) => (which === "due" ? eventTimeOf(m) < bound.until! : eventTimeOf(m) >= bound.since!);
  const read = ctx.store.list(reminders, now, { limit: READ_AT_MOST, order: "oldest", by: "event" });
  const pending = read.filter(inBound);
  // Every pending reminder was read unless the read stopped at its bound: then the store counts them.
  return { shown: pending.slice(0, limit), total: read.length < READ_AT_MOST ? pending.length : ctx.store.count({ ...reminders, ...bound }, now) };
}

/** Reminders read for one list: far more than anyone keeps pending. */
const READ_AT_MOST = 10_000;

const eventTimeOf = (m: Memory) => m.eventTime ?? m.createdAt;

export type CloseHow = "done" | "cancelled";

export interface CloseResult {
  reminder: Memory;
  /** False when it was no longer pending (already done, cancelled or forgotten): nothing changed. */
  changed: boolean;
}

/** Acknowledges (done) or cancels a reminder: archived, with when and how in `metadata.reminder`. */
export function closeReminder(ctx: EngineContext, idOrPrefix: string, how: CloseHow): CloseResult {
  return ctx.store.transaction(() => {
    const id = resolveId(ctx.store, idOrPrefix);
    const old = ctx.store.get(id)!;
    if (old.type !== "reminder") throw cairnError("NOT_A_REMINDER", [idOrPrefix.trim(), old.type]);
    if (old.status !== "active") return { reminder: old, changed: false };
    assertNotHeld(ctx, old, "closed");
    const now = ctx.now();
    const meta: ReminderMetadata = how === "done" ? { done_at: toIso(now)! } : { cancelled_at: toIso(now)! };
    const next: Memory = { ...old, status: "archived", updatedAt: now, metadata: { ...old.metadata, reminder: meta } };
    ctx.store.replace(next);
    ctx.store.appendAudit({
      at: now,
      actor: ctx.actor,
      op: "forget",
      memoryId: id,
      hashBefore: old.contentHash,
      hashAfter: old.contentHash,
      contentBefore: null,
      detail: { reason: how === "done" ? "reminder done" : "reminder cancelled", statusBefore: old.status, due_at: toIso(dueAt(old)) },
    });
    return { reminder: next, changed: true };
  });
}
