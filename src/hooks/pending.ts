/**
 * @module Captures kept for later: when another process holds the database's write lock past a hook's wait (an
 * import, a sweep, another agent's burst of writes), a prompt's captures, a failing command's error and the
 * lesson of its fix go into the session state instead of being dropped, and the session's next prompt, command
 * outcome, Stop, PreCompact or SessionEnd writes them first. Those SessionEnd cannot write either wait in a file
 * of their own for the next session that starts, which writes them.
 */
import { readdirSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import type { PreparedMemory, RememberInput } from "../engine/remember.ts";
import type { HookContext } from "./context.ts";
import { emptyState, noteCreated, type PendingCapture, readStateFile, saveState, type SessionState, stateFile } from "./state.ts";

/** The state files holding an ended session's kept captures start with this. */
const ENDED = "ended.";

/** Puts the captures of `prepared` in the session state, for a later write. */
export function keepCaptures(ctx: HookContext, prepared: readonly PreparedMemory[]): void {
  for (const p of prepared) keepCapture(ctx, { ...p.input, type: p.candidate.type, tags: p.candidate.tags, project: p.candidate.project });
}

/** Puts one capture in the session state, for a later write; `failure` ties an error or lesson to its command. */
export function keepCapture(ctx: HookContext, input: RememberInput, failure?: PendingCapture["failure"]): void {
  const state = ctx.touchState();
  const metadata = Object.entries(input.metadata ?? {}).filter((e): e is [string, string] => typeof e[1] === "string");
  const kept: PendingCapture = {
    content: input.content,
    type: input.type ?? "fact",
    tags: [...(input.tags ?? [])],
    global: input.project === null,
    project: ctx.project,
    ...(ctx.input.sessionId ? { sessionId: ctx.input.sessionId } : {}),
    ...(metadata.length > 0 ? { metadata: Object.fromEntries(metadata) } : {}),
    ...(failure ? { failure } : {}),
  };
  if (!state.pending.some((k) => k.content === kept.content)) state.pending.push(kept);
}

/** The session's kept captures, their nearest memories searched (before the write transaction, as prompt.ts does). */
export async function preparedKept(ctx: HookContext): Promise<PreparedMemory[]> {
  const kept = ctx.state.pending;
  if (kept.length === 0) return [];
  await ctx.ready();
  return Promise.all(
    kept.map((k) =>
      ctx.engine().prepareMemory({
        ...hookCapture(ctx, k, k.global),
        ...(k.metadata ? { metadata: k.metadata } : {}),
        ...(k.project !== undefined && !k.global ? { project: k.project } : {}),
        ...(k.sessionId ? { sessionId: k.sessionId } : {}),
      }),
    ),
  );
}

/**
 * Writes prepared captures (inside the caller's write) and notes them as this session's; the kept ones are done.
 * Returns the ids of the memories the writes superseded.
 */
export function writeCaptures(ctx: HookContext, prepared: readonly PreparedMemory[], kept: readonly PreparedMemory[]): Set<string> {
  const state = ctx.touchState();
  const errors = new Map<string, string>();
  const retired = new Set<string>();
  const write = (p: PreparedMemory) => {
    const r = ctx.engine().rememberPrepared(p);
    for (const c of r.superseded ?? []) retired.add(c.id);
    return r.id;
  };
  for (const p of kept) {
    const failure = state.pending.find((k) => k.content === p.input.content)?.failure;
    const id = write(p);
    if (failure) settleFailure(ctx, state, failure, p.input.type === "error" ? "error" : "lesson", id, errors);
    noteCreated(state, id);
  }
  for (const p of prepared) noteCreated(state, write(p));
  if (kept.length > 0) state.pending = state.pending.filter((k) => !kept.some((p) => p.input.content === k.content));
  return retired;
}

/**
 * A kept error, now written, becomes its command's open failure's error (the lesson of a later success links to
 * it); a kept lesson is linked to the error it fixes, written before it or in this same batch.
 */
function settleFailure(ctx: HookContext, state: SessionState, failure: NonNullable<PendingCapture["failure"]>, role: "error" | "lesson", id: string, errors: Map<string, string>): void {
  if (role === "error") {
    errors.set(failure.key, id);
    if (!state.created.includes(id)) state.errorsCaptured++;
    const open = state.failures[failure.key];
    if (open && !open.errorId) open.errorId = id;
    return;
  }
  const errorId = failure.errorId ?? errors.get(failure.key);
  if (!errorId || errorId === id) return;
  try {
    ctx.engine().relate(id, errorId, "fixes");
  } catch {
    // the error memory was forgotten meanwhile: the lesson stands on its own
  }
}

/** Writes the session's kept captures now, if any (a command's outcome, Stop, PreCompact, SessionEnd), then `then`. */
export async function writeKept(ctx: HookContext, what = "kept captures", then?: () => void, keep?: () => void): Promise<void> {
  const kept = await preparedKept(ctx);
  if (kept.length === 0 && !then) return;
  ctx.writeOrKeep(
    what,
    () => {
      if (kept.length > 0) writeCaptures(ctx, [], kept);
      then?.();
    },
    // Nothing to add: the captures stay kept in the state.
    keep ?? (() => {}),
  );
}

/**
 * At SessionEnd, the captures still kept (the lock was held through the session's last write): put in a file of
 * their own, which the session's state file does not outlive, for the next session that starts (QA: a stated
 * preference was deleted with the state file).
 */
export function leaveKept(ctx: HookContext): void {
  const pending = ctx.state.pending;
  if (pending.length === 0 || !ctx.input.sessionId) return;
  const name = basename(stateFile(ctx.paths.dataDir, `${ENDED}${ctx.input.sessionId}`), ".json");
  saveState(ctx.paths.dataDir, name, { ...emptyState(), pending }, Date.now(), ctx.sealFor(name));
}

/**
 * At SessionStart: takes the captures ended sessions left ({@link leaveKept}) into this session's, each file
 * claimed by a rename so two sessions starting at once do not both take it, and writes them.
 */
export async function adoptEnded(ctx: HookContext): Promise<void> {
  if (!ctx.input.sessionId) return;
  const dir = join(ctx.paths.dataDir, "hooks");
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(ENDED) && n.endsWith(".json"));
  } catch {
    return;
  }
  for (const file of names) {
    const claimed = join(dir, `${file}.${process.pid}.tmp`);
    try {
      renameSync(join(dir, file), claimed);
    } catch {
      continue; // another session took it
    }
    try {
      const ended = readStateFile(claimed, () => ctx.sealFor(file.slice(0, -".json".length)));
      const state = ctx.touchState();
      for (const k of ended.pending) if (!state.pending.some((p) => p.content === k.content)) state.pending.push(k);
    } catch {
      // unreadable (a key changed since): nothing to take
    }
    rmSync(claimed, { force: true });
  }
  if (ctx.state.pending.length > 0) await writeKept(ctx);
}

/** What a hook stores of a captured statement: about the user (`global`) or the project, from this session. */
export function hookCapture(ctx: HookContext, c: { content: string; type: string; tags: string[] }, global: boolean): RememberInput {
  return { content: c.content, type: c.type, tags: c.tags, project: global ? null : ctx.project, source: "hook", agent: ctx.agent, sessionId: ctx.input.sessionId };
}
