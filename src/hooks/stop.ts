/**
 * @module Stop, PreCompact and SessionEnd: keep one session summary and one checkpoint per session (each
 * updated in place, so a Stop on every turn never piles up copies). The checkpoint — the task, where it
 * stands, decisions made, next steps if the agent stated them — lets the next session pick up the work; it is
 * kept from the first turn on (a session that is just closed never sends SessionEnd), refreshed at Stop when
 * the stated next steps change or every few minutes, and brought fully up to date at compaction or session end.
 */
import { redactedCut } from "../capture/redact-deep.ts";
import type { HookContext } from "./context.ts";
import { oneLine } from "./format.ts";
import { leaveKept, writeKept } from "./pending.ts";
import { clearState, noteCreated } from "./state.ts";

const MAX_MESSAGE_CHARS = 1500;
const MAX_NEXT_STEPS = 8;
/** How often a Stop brings the checkpoint up to date when the next steps did not change (each write is an audit entry). */
export const STOP_CHECKPOINT_EVERY_MS = 5 * 60_000;

/**
 * Stop fires after every turn: keep the latest message in the session state, write the summary once and the
 * checkpoint now and then (so a session that never sends SessionEnd — closed, VS Code, a crash — still leaves
 * both). Refreshing them on every turn would add an audit entry per turn; PreCompact and SessionEnd bring them
 * up to date.
 */
export async function stop(ctx: HookContext): Promise<null> {
  // stop_hook_active (another Stop hook made the agent go on) is read like any Stop: its message is the newest,
  // and cairn never blocks, so it cannot loop (QA: such a session left no checkpoint, not even at SessionEnd).
  const message = ctx.input.lastAssistantMessage.trim();
  if (message === "" || !ctx.input.sessionId) return null;
  await writeKept(ctx);
  const state = ctx.touchState();
  state.lastMessage = redactedCut(message, MAX_MESSAGE_CHARS);
  if (!state.summaryId) ctx.writeOrSkip("summary", () => writeSummary(ctx));
  ctx.writeOrSkip("checkpoint", () => writeCheckpoint(ctx, { atStop: true }));
  return null;
}


export async function preCompact(ctx: HookContext): Promise<null> {
  await writeKept(ctx);
  if (ctx.input.customInstructions.trim()) ctx.touchState();
  ctx.writeOrSkip("summary", () => writeSummary(ctx, ctx.input.customInstructions.trim()));
  ctx.writeOrSkip("checkpoint", () => writeCheckpoint(ctx));
  return null;
}

/** SessionEnd has a 1.5 s budget shared by all hooks: two small writes and a file removal. */
export async function sessionEnd(ctx: HookContext): Promise<null> {
  await writeKept(ctx);
  ctx.writeOrSkip("summary", () => writeSummary(ctx));
  ctx.writeOrSkip("checkpoint", () => writeCheckpoint(ctx));
  leaveKept(ctx);
  clearState(ctx.paths.dataDir, ctx.input.sessionId, Date.now());
  // The state file is gone; do not write it back.
  ctx.discardState();
  return null;
}

/**
 * Next steps the agent spelled out: bullets under a "Next steps" / "TODO" / "Remaining" heading, or the rest of
 * a paragraph after a "Next:" / "Next steps:" / "Next up:" / "Still to do:" opening a sentence in it.
 */
export function nextSteps(message: string): string[] {
  const lines = message.split("\n");
  const start = lines.findIndex((l) => /^\W*(next steps?|todo|remaining|still to do|follow[- ]ups?)\b/i.test(l.trim()));
  if (start < 0) {
    const inline = /(?:^|[.!?]\s+)(?:next(?: steps?| up)?|still to do|todo):\s*([^\n]+)/i.exec(message);
    return inline ? [oneLine(inline[1]!.trim(), 200)] : [];
  }
  const out: string[] = [];
  const inline = lines[start]!.replace(/^\W*(next steps?|todo|remaining|still to do|follow[- ]ups?)\W*/i, "").trim();
  if (inline) out.push(inline);
  for (const l of lines.slice(start + 1)) {
    const m = /^\s*(?:[-*•]|\d+[.)])\s+(.*)$/.exec(l);
    if (m) out.push(m[1]!.trim());
    else if (l.trim() !== "" && out.length > 0) break;
  }
  return out.slice(0, MAX_NEXT_STEPS).map((s) => oneLine(s, 200));
}

function summaryText(ctx: HookContext, extra = ""): string | null {
  const s = ctx.state;
  const last = s.lastMessage ? oneLine(s.lastMessage, 600) : "";
  const parts: string[] = [];
  if (s.firstPrompt) parts.push(sentence(`Asked: ${oneLine(s.firstPrompt, 160)}`));
  if (last) parts.push(sentence(`Outcome: ${last}`));
  if (extra) parts.push(sentence(`Compaction note: ${oneLine(redactedCut(extra, 300), 300)}`));
  // The summary and checkpoint are in `created` once written; they are not among the memories it reports.
  const captured = s.created.filter((id) => id !== s.summaryId && id !== s.checkpointId).length;
  // A session that only stated things (each captured), with no outcome and no command run: the memories say it all,
  // and a summary quoting the statement as what was "asked" was noise in every later search (QA).
  if (captured > 0 && !last && !extra && !s.worked) return null;
  if (captured > 0) parts.push(`Captured ${captured} ${captured === 1 ? "memory" : "memories"}.`);
  if (parts.length === 0) return null;
  const date = new Date().toISOString().slice(0, 10);
  return `Session summary (${date}). ${parts.join(" ")}`;
}

/** Text ending as one sentence: a final period added when missing, never doubled ("done.." → "done."). */
export function sentence(text: string): string {
  const t = text.trim().replace(/[\s,;:]+$/, "");
  if (/[!?…]$/.test(t)) return t;
  return `${t.replace(/\.+$/, "")}.`;
}

function writeSummary(ctx: HookContext, extra = ""): void {
  const content = summaryText(ctx, extra);
  if (!content) return;
  const engine = ctx.engine();
  const state = ctx.touchState();
  if (state.summaryId) {
    try {
      const current = engine.get(state.summaryId, { track: false });
      if (current.content !== content) engine.update(state.summaryId, { content });
      return;
    } catch {
      // forgotten meanwhile: write a new one
    }
  }
  const saved = engine.remember({
    content,
    type: "note",
    tags: ["session-summary"],
    source: "hook",
    agent: ctx.agent,
    sessionId: ctx.input.sessionId,
  });
  state.summaryId = saved.id;
  noteCreated(state, saved.id);
}

/**
 * This session's checkpoint, written or brought up to date in place. A session that used no tool and states no
 * next step (a conversation: "we moved to Netlify", "thanks") leaves none, so it never displaces the last
 * real task's. At Stop (`atStop`) an existing one is refreshed only when the stated next steps changed or
 * {@link STOP_CHECKPOINT_EVERY_MS} passed.
 */
function writeCheckpoint(ctx: HookContext, opts: { atStop?: boolean } = {}): void {
  const s = ctx.state;
  if (!s.lastMessage) return;
  const stated = nextSteps(s.lastMessage);
  if (!s.worked && stated.length === 0) return;
  // A UUID is told by its first 8 characters; a short id is kept whole ("sess-qa-1" was cut to "sess-qa-").
  const id = ctx.input.sessionId;
  const task = oneLine(s.firstPrompt ?? `session ${id === null ? "unknown" : id.length <= 16 ? id : id.slice(0, 8)}`, 120);
  const progress = oneLine(s.lastMessage, 800);
  // None found is not "none left": the message may simply not say (a checkpoint then has no next-steps line).
  const steps = stated.length > 0 ? stated : null;
  // Hashes: the state file need not hold the checkpoint's text a second time.
  const key = Bun.hash(`${task}\n${progress}\n${stated.join("\n")}`).toString(36);
  const stepsKey = Bun.hash(stated.join("\n")).toString(36);
  if (s.checkpointContent === key) return;
  const now = Date.now();
  if (opts.atStop && s.checkpointId && s.checkpointSteps === stepsKey && now - s.checkpointAt < STOP_CHECKPOINT_EVERY_MS) return;
  const engine = ctx.engine();
  const decisions = s.created.length > 0 ? decisionsOf(ctx) : [];
  const saved = engine.checkpoint({ task, progress, nextSteps: steps, decisions, sessionId: ctx.input.sessionId, agent: ctx.agent, replace: s.checkpointId });
  const state = ctx.touchState();
  Object.assign(state, { checkpointContent: key, checkpointId: saved.id, checkpointAt: now, checkpointSteps: stepsKey });
  noteCreated(state, saved.id);
}

/** Decisions captured in this session, to carry into the checkpoint. */
function decisionsOf(ctx: HookContext): string[] {
  const engine = ctx.engine();
  const out: string[] = [];
  for (const id of ctx.state.created) {
    try {
      const m = engine.get(id, { track: false });
      if (m.type === "decision") out.push(m.content);
    } catch {
      // forgotten since
    }
  }
  return out.slice(0, 10);
}
