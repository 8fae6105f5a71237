/**
 * @module SessionStart: brief the agent on what memory knows — due reminders, where work stopped, facts about
 * the user (global facts), the user's preferences, this project's lessons, known pitfalls, recent decisions and open tasks — within ~800 tokens.
 * Nothing at all when memory holds nothing for this project.
 */
import type { Memory } from "../domain/memory.ts";
import { dueAt } from "../domain/reminder.ts";
import type { HookContext } from "./context.ts";
import { bullet, day, oneLine, TokenBudget } from "./format.ts";
import { adoptEnded } from "./pending.ts";

/** About 3% of a 200k context: enough for a real briefing, small enough to never crowd out the task. */
export const SESSION_START_BUDGET = 800;
const PER_SECTION = 5;

export async function sessionStart(ctx: HookContext): Promise<string | null> {
  // After a compaction or /clear the agent's context no longer holds what was shown to it: it may be shown again.
  if (ctx.input.source === "compact" || ctx.input.source === "clear") forgetShown(ctx);
  if (!ctx.hasMemory()) return null;
  // Captures a session that ended could not write (pending.ts), written before the briefing that may show them.
  await adoptEnded(ctx);
  const engine = ctx.engine();
  const b = engine.briefing({ perSection: PER_SECTION });
  const tasks = engine.list({ types: ["task"], limit: 3, includeGlobal: false }).memories;
  const facts = b.facts;
  const sections = [b.reminders, b.user, b.preferences, b.decisions, b.lessons, b.pitfalls, facts, tasks];
  const empty = !b.checkpoint && sections.every((s) => s.length === 0);
  if (empty) return null;
  const name = ctx.project.split(/[\\/]/).filter(Boolean).pop() ?? ctx.project;
  const out = new TokenBudget(SESSION_START_BUDGET);
  out.add(`cairn memory for project ${name} (notes saved in earlier sessions; dates are when each happened, where a note says, else when it was recorded):`);
  // Order = what the agent most needs if the budget runs out: what the user asked to be reminded of now,
  // where work stopped, then how the user works.
  // Each memory that makes it into the briefing is noted as shown (the activity log; `cairn ui` lists them).
  const shown = (ms: readonly Memory[]) => (i: number) => ctx.noteShown(ms[i]!.id);
  // Lessons and pitfalls briefed are not shown again before the command they name (QA: the same lesson at
  // SessionStart and PreToolUse seconds apart); the failure itself still brings its fix back once.
  const briefed = (ms: readonly Memory[]) => (i: number) => {
    ctx.noteShown(ms[i]!.id);
    if (ctx.input.sessionId) ctx.touchState().briefed.push(ms[i]!.id);
  };
  // A memory a later one may have changed says so, with the later one's words.
  const line = (m: Memory, max?: number) => {
    const by = b.changedLater.get(m.id);
    return by ? `${bullet(m, max)} — a later note may change this: "${oneLine(by.content, 120)}"` : bullet(m, max);
  };
  if (b.reminders.length > 0) out.section(reminderHeading(b.remindersDue, b.reminders.length), reminderLines(ctx, b.reminders), shown(b.reminders));
  if (b.checkpoint) out.section(`Last checkpoint (${day(b.checkpoint)}):`, [checkpointLines(b.checkpoint)], shown([b.checkpoint]));
  out.section("About the user:", b.user.map((m) => line(m, 200)), shown(b.user));
  out.section("User preferences:", b.preferences.map((m) => line(m, 200)), shown(b.preferences));
  out.section("Lessons learned:", b.lessons.map((m) => bullet(m)), briefed(b.lessons));
  out.section("Known pitfalls (errors seen before, with fixes when known):", b.pitfalls.map((m) => bullet(m)), briefed(b.pitfalls));
  out.section("Project facts:", facts.map((m) => line(m)), shown(facts));
  out.section("Recent decisions:", b.decisions.map((m) => line(m)), shown(b.decisions));
  out.section("Open tasks:", tasks.map((m) => bullet(m, 200)), shown(tasks));
  return out.lines.length > 1 ? out.lines.join("\n") : null;
}

function forgetShown(ctx: HookContext): void {
  const s = ctx.state;
  if (s.surfaced.length === 0 && s.briefed.length === 0 && s.advised.length === 0 && s.governed.length === 0) return;
  const state = ctx.touchState();
  state.surfaced = [];
  state.briefed = [];
  state.advised = [];
  state.governed = [];
}

function reminderHeading(total: number, shown: number): string {
  const more = total > shown ? ` (${total - shown} more: cairn remind --list)` : "";
  const how = `cairn's remind tool with action "done" and the id, or \`cairn remind --done <id>\``;
  return `Due reminders${more}: tell the user, then acknowledge each once handled (${how}):`;
}

function reminderLines(ctx: HookContext, reminders: Memory[]): string[] {
  const short = ctx.engine().shortIds(reminders.map((m) => m.id));
  const when = (m: Memory) => new Date(dueAt(m)).toISOString().slice(0, 16).replace("T", " ");
  return reminders.map((m) => `- ${oneLine(m.content, 300)} (due ${when(m)} UTC, id ${short.get(m.id)})`);
}

function checkpointLines(m: Memory): string {
  // The rendered checkpoint is multi-line (task, progress, next steps); keep its shape, bounded.
  const lines = m.content.split("\n").slice(0, 12).map((l) => oneLine(l, 240));
  return lines.map((l) => `  ${l}`).join("\n");
}
