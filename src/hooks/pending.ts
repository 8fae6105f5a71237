/**
 * @module Captures kept for later: when another process holds the database's write lock past a hook's wait (an
 * import, a sweep, another agent's burst of writes), a prompt's captures go into the session state instead of
 * being dropped, and the session's next prompt, Stop, PreCompact or SessionEnd writes them first.
 */
import type { PreparedMemory, RememberInput } from "../engine/remember.ts";
import type { HookContext } from "./context.ts";
import { noteCreated, type PendingCapture } from "./state.ts";

/** Puts the captures of `prepared` in the session state, for a later write. */
export function keepCaptures(ctx: HookContext, prepared: readonly PreparedMemory[]): void {
  const state = ctx.touchState();
  for (const p of prepared) {
    const kept: PendingCapture = { content: p.input.content, type: p.candidate.type, tags: [...p.candidate.tags], global: p.candidate.project === null };
    if (!state.pending.some((k) => k.content === kept.content)) state.pending.push(kept);
  }
}

/** The session's kept captures, their nearest memories searched (before the write transaction, as prompt.ts does). */
export async function preparedKept(ctx: HookContext): Promise<PreparedMemory[]> {
  const kept = ctx.state.pending;
  if (kept.length === 0) return [];
  return Promise.all(kept.map((k) => ctx.engine().prepareMemory(hookCapture(ctx, k, k.global))));
}

/** Writes prepared captures (inside the caller's write) and notes them as this session's; the kept ones are done. */
export function writeCaptures(ctx: HookContext, prepared: readonly PreparedMemory[], kept: readonly PreparedMemory[]): void {
  const state = ctx.touchState();
  for (const p of [...kept, ...prepared]) noteCreated(state, ctx.engine().rememberPrepared(p).id);
  if (kept.length > 0) state.pending = state.pending.filter((k) => !kept.some((p) => p.input.content === k.content));
}

/** Writes the session's kept captures now, if any (Stop, PreCompact, SessionEnd). */
export async function writeKept(ctx: HookContext): Promise<void> {
  const kept = await preparedKept(ctx);
  if (kept.length > 0) ctx.writeOrSkip("kept captures", () => writeCaptures(ctx, [], kept));
}

/** What a hook stores of a captured statement: about the user (`global`) or the project, from this session. */
export function hookCapture(ctx: HookContext, c: { content: string; type: string; tags: string[] }, global: boolean): RememberInput {
  return { content: c.content, type: c.type, tags: c.tags, project: global ? null : ctx.project, source: "hook", agent: ctx.agent, sessionId: ctx.input.sessionId };
}
