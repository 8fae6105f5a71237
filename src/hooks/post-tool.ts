/**
 * @module PostToolUse / PostToolUseFailure: when a shell command fails, say how that error was fixed
 * before (if memory knows) and capture the error; when the same command later succeeds in the session,
 * remember what fixed it as a lesson linked to the error (`fixes`), which is what the next session needs.
 */
import type { Memory } from "../domain/memory.ts";
import type { PreparedMemory, RememberInput, RememberResult } from "../engine/remember.ts";
import { answersByExit, commandHead, commandKey, errorCommand, errorSignature, looksLikeError } from "./command.ts";
import type { HookContext } from "./context.ts";
import { bullet, oneLine } from "./format.ts";
import { relevant } from "./relevance.ts";
import { keepCapture, writeKept } from "./pending.ts";
import { noteCreated, type SessionState } from "./state.ts";

/** Errors captured per session at most: a broken build can fail fifty times in a row. */
export const MAX_ERRORS_PER_SESSION = 5;
const MAX_SHOWN = 3;
const MAX_SINCE = 5;

export async function postTool(ctx: HookContext): Promise<string | null> {
  const inp = ctx.input;
  if (inp.toolKind === "edit") {
    if (!inp.failed && inp.filePath) noteStep(ctx, `editing ${inp.filePath.split(/[\\/]/).pop()}`);
    return null;
  }
  if (inp.toolKind !== "shell" || !inp.command) return null;
  // Stopped by the user: says nothing about the command, and is neither a failure nor a fix.
  if (inp.interrupted) return null;
  const failed = inp.failed || (inp.exitCode === null && looksLikeError(inp.stderr));
  if (failed && answersByExit(inp.command)) return null;
  // The common case, a command that worked while nothing is failing, has nothing to record.
  if (!failed && Object.keys(ctx.state.failures).length === 0) return null;
  // Redacted before anything is derived from it: the key and the command are kept in the session state.
  const { redactSecrets } = await import("../capture/redact.ts");
  const command = redactSecrets(inp.command).text;
  const key = commandKey(command);
  if (key === "") return null;
  // A capture's nearest memories are searched before the write transaction (prompt.ts does the same): on the
  // warm daemon's search thread. The text is built again inside it, from the state the transaction re-checks,
  // and written as prepared only while it is the same.
  if (!failed) {
    const open = ctx.state.failures[key];
    if (open) await ctx.ready();
    const lesson = open ? await ctx.engine().prepareMemory(lessonInput(ctx, key, command, open)) : null;
    // An error kept under another process's lock is written first: the lesson links to it (pending.ts).
    await writeKept(ctx, "lesson", () => succeeded(ctx, key, command, lesson), () => succeeded(ctx, key, command, null, true));
    return null;
  }
  await ctx.ready();
  const text = inp.error ?? (inp.stderr || inp.stdout);
  const told = errorSignature(text, (l) => redactSecrets(l).text);
  const signature = told || `exit code ${inp.exitCode ?? "non-zero"}`;
  const { advice, known } = ctx.hasMemory() ? await pastFixes(ctx, key, signature) : { advice: null, known: false };
  // A failure that printed nothing to tell it by is tracked (what fixed it still becomes a lesson), not stored as
  // an error: "`npm install` failed: exit code non-zero" tells a later session nothing (QA).
  const untold = known || told === "";
  const error = !untold && capturesError(ctx.state, key, signature) ? await ctx.engine().prepareMemory(errorInput(ctx, key, command, signature)) : null;
  await writeKept(
    ctx,
    "error capture",
    () => captureFailure(ctx, key, command, signature, error, untold),
    () => captureFailure(ctx, key, command, signature, error, untold, true),
  );
  return advice;
}

/** `prepared` written when it was made from the same input, else `input` remembered now. */
function rememberAsPrepared(ctx: HookContext, input: RememberInput, prepared: PreparedMemory | null): RememberResult {
  const engine = ctx.engine();
  return prepared && JSON.stringify(prepared.input) === JSON.stringify(input) ? engine.rememberPrepared(prepared) : engine.remember(input);
}

/** A command or edit that went fine (or an edit about to be made): a candidate step in fixing each failure still open. */
export function noteStep(ctx: HookContext, step: string, exceptKey?: string): void {
  const open = Object.entries(ctx.state.failures).filter(([k]) => k !== exceptKey);
  if (open.length === 0) return;
  const state = ctx.touchState();
  for (const [k] of open) {
    const since = state.failures[k]!.since;
    if (!since.includes(step)) since.push(step);
    state.failures[k]!.since = since.slice(-MAX_SINCE);
  }
}

/** Closes the command's open failure with its lesson: written, or (`keep`, the lock not had) kept for a later write. */
function succeeded(ctx: HookContext, key: string, command: string, prepared: PreparedMemory | null, keep = false): void {
  noteStep(ctx, `running \`${oneLine(command, 100)}\``, key);
  const open = ctx.state.failures[key];
  if (!open) return;
  const state = ctx.touchState();
  delete state.failures[key];
  if (keep) return keepCapture(ctx, lessonInput(ctx, key, command, open), { key, errorId: open.errorId });
  const engine = ctx.engine();
  const lesson = rememberAsPrepared(ctx, lessonInput(ctx, key, command, open), prepared);
  noteCreated(state, lesson.id);
  if (open.errorId && open.errorId !== lesson.id) {
    try {
      engine.relate(lesson.id, open.errorId, "fixes");
    } catch {
      // the error memory was forgotten meanwhile: the lesson stands on its own
    }
  }
}

/** The lesson a command that passed after failing leaves: what failed, and what made it pass. */
function lessonInput(ctx: HookContext, key: string, command: string, open: SessionState["failures"][string]): RememberInput {
  const how =
    open.since.length > 0
      ? `it passed after ${open.since.join(", then ")}`
      : open.command.trim() === command.trim()
        ? "it passed when simply re-run (flaky?)"
        : `it passed when run as \`${oneLine(command, 120)}\``;
  return {
    content: `\`${key}\` failed with "${open.signature}"; ${how}.`,
    type: "lesson",
    tags: [`cmd:${key}`, "fix"],
    source: "hook",
    agent: ctx.agent,
    sessionId: ctx.input.sessionId,
  };
}

/** Whether a failure with `signature` is captured: its command's error not yet in the session, and under the cap. */
function capturesError(state: SessionState, key: string, signature: string): boolean {
  const previous = state.failures[key];
  return !(previous?.signature === signature && previous.errorId) && state.errorsCaptured < MAX_ERRORS_PER_SESSION && saysSomething(signature);
}

/** An error line that is all redacted output ("[REDACTED:high_entropy]") names nothing a later session can use. */
function saysSomething(signature: string): boolean {
  return signature.replace(/\[REDACTED:[\w-]+\]/g, "").replace(/[^\p{L}]+/gu, "").length >= 3;
}

/**
 * The error memory of a failure. Keyed by the program (file arguments dropped) and the normalised signature,
 * so the same failure in another file or session is the same text and reinforces the existing memory instead
 * of adding a copy.
 */
function errorInput(ctx: HookContext, key: string, command: string, signature: string): RememberInput {
  const program = errorCommand(command) || key;
  return {
    content: `\`${program}\` failed: ${signature}`,
    type: "error",
    tags: [`cmd:${program}`],
    source: "hook",
    agent: ctx.agent,
    sessionId: ctx.input.sessionId,
    metadata: { command: oneLine(command, 500) },
  };
}

/**
 * Records the failure in the session (a later success of the command becomes a lesson) and captures it as an
 * error memory (or, `keep`: the lock not had, keeps the capture for a later write), unless `untold`: a lesson or a
 * note the user wrote already tells this error (a copy without the fix only crowded the briefing's pitfalls out),
 * or the failure printed nothing to tell it by.
 */
function captureFailure(ctx: HookContext, key: string, command: string, signature: string, prepared: PreparedMemory | null, untold: boolean, keep = false): void {
  const state: SessionState = ctx.touchState();
  const previous = state.failures[key];
  let errorId = previous?.signature === signature ? previous.errorId : null;
  if (keep && !untold && capturesError(state, key, signature)) keepCapture(ctx, errorInput(ctx, key, command, signature), { key, errorId: null });
  else if (!untold && capturesError(state, key, signature)) {
    const saved = rememberAsPrepared(ctx, errorInput(ctx, key, command, signature), prepared);
    errorId = saved.id;
    if (!state.created.includes(saved.id)) state.errorsCaptured++;
    noteCreated(state, saved.id);
  }
  state.failures[key] = { command: oneLine(command, 500), signature, errorId, at: Date.now(), since: previous?.since ?? [] };
}

const RUNNERS = new Set(["run", "exec", "x", "dlx", "-m"]);

/** Error codes: P1012, TS7006, E0425, ORA-00942, ERR_MODULE_NOT_FOUND, ECONNREFUSED. */
const CODE = /\b(?:[A-Z]{1,4}-?\d{3,5}|ERR_[A-Z0-9_]+|E[A-Z]{4,})\b/g;

/**
 * Whether `m` (an error or lesson) may be about the failure `signature` of `key`: not when both name error codes
 * and share none (P1012 is not P1001), nor when it is about another program's failure and shares no code
 * ("connection refused" from psql is not playwright's). Words alone matched those and brought the wrong fix.
 */
export function mayBeSameError(key: string, signature: string, m: Memory): boolean {
  const ours = new Set(signature.match(CODE) ?? []);
  const theirs = new Set(m.content.match(CODE) ?? []);
  const shared = [...ours].some((c) => theirs.has(c));
  if (ours.size > 0 && theirs.size > 0 && !shared) return false;
  // The program and what it runs: `uv run pytest` and `uv run mypy` are two programs. Tags hold a command with
  // its spaces as hyphens ("cmd:pnpm-test"): both sides are read that way (QA: no fix of `pnpm test` ever came back).
  const program = (k: string) => commandHead(k.replace(/-/g, " "), 3).filter((w) => !RUNNERS.has(w)).slice(0, 2).join(" ").toLowerCase();
  const other = m.tags.find((t) => t.startsWith("cmd:"))?.slice(4);
  return other === undefined || shared || program(other) === program(key);
}

/** Words of three characters or more, lower case. */
const wordsOf = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}_]{3,}/gu) ?? []);

/** Words any error line may hold, which tell nothing of which error it is ("npm ERR! code ERESOLVE"). */
const ERROR_WORDS = new Set(["err", "error", "errors", "code", "fatal", "failed", "failure", "exit", "warn"]);

/**
 * Whether `text` holds nearly every word of the error `signature` of `key`: its placeholders, words any error
 * line holds and the command's own words aside (a note telling "ERESOLVE" tells "npm ERR! code ERESOLVE" of
 * `npm install`; QA: it was captured again, without the fix the note gave).
 */
function tellsError(text: string, signature: string, key: string): boolean {
  const own = wordsOf(key);
  const wanted = [...wordsOf(signature.replace(/<\w+>/g, " "))].filter((w) => !ERROR_WORDS.has(w) && !own.has(w));
  const have = wordsOf(text);
  return wanted.length > 0 && wanted.filter((w) => have.has(w)).length >= 0.8 * wanted.length;
}

/** Lessons that fixed this error before (linked by `fixes`, or matching its words), then the errors themselves. */
async function pastFixes(ctx: HookContext, key: string, signature: string): Promise<{ advice: string | null; known: boolean }> {
  const engine = ctx.engine();
  const query = `${commandHead(key).join(" ")} ${signature}`;
  const { results } = await engine.recall({ query, mode: "keyword", types: ["lesson", "error"], limit: 10, track: false, abstain: false });
  // Told already by a lesson or by a note not captured by a hook (shown this session or not): nothing to capture.
  const known = results.some((r) => (r.memory.type === "lesson" || r.memory.source !== "hook") && mayBeSameError(key, signature, r.memory) && tellsError(r.memory.content, signature, key));
  // A fix shown alongside a prompt is worth repeating when the failure actually happens; once.
  const skip = new Set([...ctx.state.created, ...ctx.state.advised]);
  const hits = relevant(query, results.filter((r) => !skip.has(r.memory.id) && mayBeSameError(key, signature, r.memory)));
  const shown: Memory[] = [];
  const add = (m: Memory | null) => {
    if (m && m.status === "active" && !skip.has(m.id) && !shown.some((s) => s.id === m.id)) shown.push(m);
  };
  for (const h of hits) {
    // An error with a fix shows as its fix, not beside it (QA: the lesson and the raw error it fixes, both).
    const fixes = h.memory.type === "error" ? engine.links(h.memory.id).filter((l) => l.relation === "fixes" && l.direction === "in").map((l) => engine.store.get(l.id)) : [];
    if (fixes.some((f) => f?.status === "active")) fixes.forEach(add);
    else add(h.memory);
  }
  const top = shown.sort((a, b) => (a.type === "lesson" ? 0 : 1) - (b.type === "lesson" ? 0 : 1)).slice(0, MAX_SHOWN);
  if (top.length === 0) return { advice: null, known };
  engine.store.touch(top.map((m) => m.id), engine.now());
  const state = ctx.touchState();
  state.advised.push(...top.map((m) => m.id));
  state.surfaced.push(...top.map((m) => m.id));
  // "Seen before" only when one of them tells this error (a new TS2322 is not a lesson about running tsc).
  const seen = top.some((m) => tellsError(m.content, signature, key));
  const head = seen ? "this error was seen before; earlier fixes and notes:" : "earlier fixes and notes that may apply to this error:";
  return { advice: [`cairn memory — ${head}`, ...top.map((m) => bullet(m, 400, true))].join("\n"), known };
}
