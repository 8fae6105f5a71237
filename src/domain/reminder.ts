/** @module What a reminder is on top of a memory: its due time (the event time), its state, and its JSON shape. */
import type { Memory } from "./memory.ts";
import { toIso } from "./time.ts";

/** pending = active (due or not yet due); done = acknowledged; cancelled = withdrawn or forgotten. */
export type ReminderState = "pending" | "done" | "cancelled";

/** Where acknowledging or cancelling a reminder records when it happened: `metadata.reminder`. */
export interface ReminderMetadata {
  done_at?: string;
  cancelled_at?: string;
}

/** When a reminder falls due: its event time, or its creation time for one stored without a time (due at once). */
export function dueAt(m: Pick<Memory, "eventTime" | "createdAt">): number {
  return m.eventTime ?? m.createdAt;
}

/** The status is the truth (restoring an acknowledged reminder makes it pending again); metadata says how it closed. */
export function reminderState(m: Pick<Memory, "status" | "metadata">): ReminderState {
  if (m.status === "active") return "pending";
  const meta = m.metadata.reminder as ReminderMetadata | undefined;
  return typeof meta?.done_at === "string" ? "done" : "cancelled";
}

export function isDue(m: Pick<Memory, "eventTime" | "createdAt" | "status">, now: number): boolean {
  return m.status === "active" && dueAt(m) <= now;
}

/** The stable external shape of a reminder (CLI `--json`, MCP), snake_case with ISO times. */
export interface ReminderJson {
  id: string;
  content: string;
  project: string | null;
  due_at: string;
  due: boolean;
  state: ReminderState;
  created_at: string;
  tags: string[];
}

export function reminderToJson(m: Memory, now: number): ReminderJson {
  return {
    id: m.id,
    content: m.content,
    project: m.project,
    due_at: toIso(dueAt(m))!,
    due: isDue(m, now),
    state: reminderState(m),
    created_at: toIso(m.createdAt)!,
    tags: m.tags,
  };
}

const UNITS: Array<[string, number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
];

/**
 * "in 2h", "1h 30m ago", "in less than a minute", "now": how far `ms` is from `now` to the minute, in at most two units (the units
 * `--in` reads). Rounded to the minute, so a reminder set "in 2h" reads "in 2h" a few milliseconds later.
 */
export function fromNow(ms: number, now: number): string {
  const delta = ms - now;
  let left = Math.round(Math.abs(delta) / 60_000) * 60_000;
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) break;
    const n = Math.floor(left / size);
    if (n > 0) parts.push(`${n}${unit}`);
    else if (parts.length > 0) break;
    left -= n * size;
  }
  // Under half a minute either way: "now" only once it is due (QA: a reminder due in 30 s read "now" under Upcoming).
  if (parts.length === 0) return delta > 0 ? "in less than a minute" : "now";
  return delta > 0 ? `in ${parts.join(" ")}` : `${parts.join(" ")} ago`;
}
