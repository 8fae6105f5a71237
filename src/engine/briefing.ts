/**
 * @module The session briefing: what an agent starting work on a project should know first — the user's
 * top preferences, recent decisions, lessons, known pitfalls (errors and their fixes), and where work stopped.
 */
import type { MemoryType } from "../domain/kinds.ts";
import type { Memory } from "../domain/memory.ts";
import type { ListOptions } from "../store/store.ts";
import type { EngineContext } from "./context.ts";
import { resolveProject } from "./projects.ts";
import { dueReminders } from "./remind.ts";
import { flagHolds, flaggers } from "../retrieve/flagged-first.ts";

export interface Briefing {
  project: string;
  /** Facts of the global scope: about the user ("call me Dana", "I'm colorblind"), wanted in every project. */
  user: Memory[];
  preferences: Memory[];
  decisions: Memory[];
  /** The project's own facts ("remember that X" is stored as one), most relied-on first. */
  facts: Memory[];
  lessons: Memory[];
  pitfalls: Memory[];
  /** The newest checkpoint in the project, if any. */
  checkpoint: Memory | null;
  /** Due, unacknowledged reminders of the project and the global scope, most overdue first. */
  reminders: Memory[];
  /** How many are due in all (more than `reminders.length` when the section limit cut some). */
  remindersDue: number;
  /** Shown memories a later one may have changed (flagged on write, not settled as compatible), by id: the later one. */
  changedLater: Map<string, Memory>;
}

/** Most facts about the user a briefing carries. */
const USER_FACTS = 3;

export interface BriefingInput {
  /** A project (any name for it, see projects.ts); undefined = the engine's project. */
  project?: string;
  /** Most memories per section (default 8). */
  perSection?: number;
}

/**
 * Preferences and lessons are ranked by priority and use, since the most relied-on ones matter most;
 * decisions and pitfalls by recency, since newer ones replace older thinking. The briefing is read
 * without recording access: it is shown every session and would otherwise inflate use counts.
 */
export function briefing(ctx: EngineContext, input: BriefingInput = {}): Briefing {
  const project = input.project === undefined ? ctx.project : resolveProject(ctx, input.project, "read");
  const limit = input.perSection ?? 8;
  const now = ctx.now();
  const section = (type: MemoryType, order: ListOptions["order"], includeGlobal = true): Memory[] =>
    ctx.store.list({ scope: { projects: [project], includeGlobal }, types: [type] }, now, { limit, order });
  const due = dueReminders(ctx, project, limit);
  const lessons = section("lesson", "priority");
  const user = ctx.store.list({ scope: { projects: [], includeGlobal: true }, types: ["fact"] }, now, { limit: Math.min(limit, USER_FACTS), order: "priority" });
  const [preferences, decisions, facts] = [section("preference", "priority"), section("decision", "newest"), section("fact", "priority", false)];
  // An older statement next to the one that changed it read as two current ones ("CDN is CloudFront" under
  // "Fastly is the CDN now"): it says that a later note may change it. Not left out: the flags are guesses
  // (half the write-time flags on blind sets are wrong), and a true fact must not vanish on a wrong one.
  const later = laterChanges(ctx, [...user, ...preferences, ...decisions, ...facts], project, now);
  return {
    project,
    user,
    preferences,
    decisions,
    facts,
    lessons,
    pitfalls: withoutFixed(ctx, section("error", "newest"), lessons),
    checkpoint: section("checkpoint", "newest", false)[0] ?? null,
    reminders: due.shown,
    remindersDue: due.total,
    changedLater: later,
  };
}

/**
 * For each of `memories` a later active memory flagged on write as a possible change of it (or confirmed as
 * one), the newest such: open flags only while the write-time rules still read the pair as a change.
 */
export function laterChanges(ctx: EngineContext, memories: readonly Memory[], project: string, now: number): Map<string, Memory> {
  const out = new Map<string, Memory>();
  const byId = new Map(memories.map((m) => [m.id, m]));
  const flags = [...flaggers(ctx.store.links([...byId.keys()]))];
  if (flags.length === 0) return out;
  const ids = [...new Set(flags.flatMap(([, by]) => [...by.keys()]))];
  const later = new Map(ctx.store.getMany(ids, { scope: { projects: [project], includeGlobal: true } }, now).map((m) => [m.id, m]));
  for (const [id, by] of flags) {
    const old = byId.get(id)!;
    for (const [laterId, confirmed] of by) {
      const n = later.get(laterId);
      if (!n || !flagHolds(old, n, confirmed)) continue;
      if (!out.has(id) || out.get(id)!.createdAt < n.createdAt) out.set(id, n);
    }
  }
  return out;
}

/** The errors a shown lesson does not already fix (it names the error and what made it pass): each said once. */
function withoutFixed(ctx: EngineContext, errors: Memory[], lessons: readonly Memory[]): Memory[] {
  if (errors.length === 0 || lessons.length === 0) return errors;
  const shown = new Set(lessons.map((l) => l.id));
  const fixed = new Set(ctx.store.links(errors.map((e) => e.id)).filter((l) => l.relation === "fixes" && !l.outgoing && shown.has(l.other)).map((l) => l.id));
  return errors.filter((e) => !fixed.has(e.id));
}
