/** @module The memory types cairn knows, with their documented default lifetime and priority. */

export const MEMORY_TYPES = ["decision", "lesson", "error", "preference", "fact", "task", "checkpoint", "note", "reminder"] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

/**
 * The kinds that state how things are — a choice, a wish, a fact — so a later one can replace an earlier one.
 * Lessons, errors and notes add to what came before instead.
 */
const STATE_KINDS: ReadonlySet<string> = new Set<MemoryType>(["decision", "preference", "fact"]);

export const statesHowThingsAre = (m: { type: string }): boolean => STATE_KINDS.has(m.type);

const DAY = 86_400_000;

export interface KindDefaults {
  /** How long a memory of this type lives before it stops being recalled; null = forever. */
  ttlMs: number | null;
  /** 1 (lowest) … 5 (highest); breaks ties and orders briefings. */
  priority: number;
  /** Preferences describe the user, not one codebase, so they default to the global scope. */
  globalByDefault: boolean;
  /** One line for `--help` and the README table. */
  description: string;
}

/**
 * Defaults per type. Callers override TTL and priority per memory. The values follow what each type
 * is for: decisions, lessons and preferences stay until superseded; errors fade once their fix is
 * routine; tasks and checkpoints are working state that goes stale within weeks. A reminder never expires
 * while pending: it waits for its due time (its event time) and then until someone acknowledges it.
 */
export const KIND_DEFAULTS: Readonly<Record<MemoryType, KindDefaults>> = {
  decision: { ttlMs: null, priority: 4, globalByDefault: false, description: "a choice made and why" },
  lesson: { ttlMs: null, priority: 4, globalByDefault: false, description: "something learned the hard way" },
  error: { ttlMs: 180 * DAY, priority: 3, globalByDefault: false, description: "an error and its fix" },
  preference: { ttlMs: null, priority: 5, globalByDefault: true, description: "how the user likes things done" },
  fact: { ttlMs: null, priority: 3, globalByDefault: false, description: "a fact about the project or world" },
  task: { ttlMs: 30 * DAY, priority: 3, globalByDefault: false, description: "work to do or in progress" },
  checkpoint: { ttlMs: 14 * DAY, priority: 2, globalByDefault: false, description: "where a task was left off" },
  note: { ttlMs: null, priority: 2, globalByDefault: false, description: "anything else (the default)" },
  reminder: { ttlMs: null, priority: 4, globalByDefault: false, description: "something to bring up once a time comes (cairn remind)" },
};

export const DEFAULT_TYPE: MemoryType = "note";

export function isMemoryType(value: string): value is MemoryType {
  return (MEMORY_TYPES as readonly string[]).includes(value);
}
