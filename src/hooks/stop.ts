/**
 * @module Stop, PreCompact and SessionEnd: keep one session summary per session (updated in place, so a
 * Stop on every turn never piles up copies), and at compaction or session end a checkpoint — what was
 * done, decisions made, next steps if the agent stated them — so the next session can pick up the work.
 */
import { redactedCut } from "../capture/redact-deep.ts";
import type { HookContext } from "./context.ts";
import { oneLine } from "./format.ts";
import { clearState, noteCreated } from "./state.ts";

const MAX_MESSAGE_CHARS = 1500;
const MAX_NEXT_STEPS = 8;

/**
 * Stop fires after every turn: keep the latest message in the session state, and write the summary once
 * (so a session that never sends SessionEnd — VS Code, a crash — still leaves one). Refreshing it on every
 * turn would add an audit entry per turn; PreCompact and SessionEnd bring it up to date.
 */
export function stop(ctx: HookContext): null {
  // stop_hook_active: a Stop hook already made Claude continue; this is the same turn, not a new one.
  if (ctx.input.stopHookActive) return null;
  const message = ctx.input.lastAssistantMessage.trim();
  if (message === "" || !ctx.input.sessionId) return null;
  const state = ctx.touchState();
  state.lastMessage = redactedCut(message, MAX_MESSAGE_CHARS);
  if (!state.summaryId) ctx.writeOrSkip("summary", () => writeSummary(ctx));
  return null;
}

export function preCompact(ctx: HookContext): null {
  if (ctx.input.customInstructions.trim()) ctx.touchState();
  ctx.writeOrSkip("summary", () => writeSummary(ctx, ctx.input.customInstructions.trim()));
  ctx.writeOrSkip("checkpoint", () => writeCheckpoint(ctx));
  return null;
}

/** SessionEnd has a 1.5 s budget shared by all hooks: two small writes and a file removal. */
export function sessionEnd(ctx: HookContext): null {
  ctx.writeOrSkip("summary", () => writeSummary(ctx));
  ctx.writeOrSkip("checkpoint", () => writeCheckpoint(ctx));
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
  // The summary itself is in `created` once written; it is not one of the memories it reports.
  const captured = s.created.filter((id) => id !== s.summaryId).length;
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

function writeCheckpoint(ctx: HookContext): void {
  const s = ctx.state;
  if (!s.lastMessage) return;
  const task = oneLine(s.firstPrompt ?? `session ${ctx.input.sessionId?.slice(0, 8) ?? "unknown"}`, 120);
  const progress = oneLine(s.lastMessage, 800);
  const stated = nextSteps(s.lastMessage);
  // None found is not "none left": the message may simply not say (a checkpoint then has no next-steps line).
  const steps = stated.length > 0 ? stated : null;
  // A hash: the state file need not hold the checkpoint's text a second time.
  const key = Bun.hash(`${task}\n${progress}\n${stated.join("\n")}`).toString(36);
  if (s.checkpointContent === key) return;
  const engine = ctx.engine();
  const decisions = s.created.length > 0 ? decisionsOf(ctx) : [];
  engine.checkpoint({ task, progress, nextSteps: steps, decisions, sessionId: ctx.input.sessionId, agent: ctx.agent });
  ctx.touchState().checkpointContent = key;
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
