/**
 * @module UserPromptSubmit: inject the few memories that clearly bear on the prompt (silence beats noise),
 * and capture explicit statements in it ("from now on use pnpm", "the fix was …") as memories. What is
 * captured now is never injected back in the same turn: recall runs before the capture is written. What the
 * capture retired is not injected either (recall found it current a moment before).
 */
import { statesHowThingsAre } from "../domain/kinds.ts";
import type { Memory } from "../domain/memory.ts";
import type { PreparedMemory, RememberInput } from "../engine/remember.ts";
import { correctionCandidates } from "../capture/corrections.ts";
import { type Capture, extractCaptures } from "../capture/extract.ts";
import { redactedCut } from "../capture/redact-deep.ts";
import { applyBudget } from "../retrieve/budget.ts";
import type { HookContext } from "./context.ts";
import { bullet } from "./format.ts";
import { promptEvidence } from "./inject-evidence.ts";
import { INJECT_BAR, injectLikelihood } from "./inject-model.ts";
import { LOOSE_MIN_OVERLAP } from "../capture/change-rules.ts";
import { updates } from "../retrieve/current-first.ts";
import { hookCapture, keepCaptures, preparedKept, writeCaptures } from "./pending.ts";
import { appendHookLog } from "./log.ts";
import { promptRules } from "./prompt-rules.ts";

export const PROMPT_LIMIT = 5;
export const PROMPT_BUDGET = 600;
/** The smallest prompt worth answering, in weighted terms: a one-word prompt ("continue", "yes") names no topic. */
export const MIN_PROMPT_TERMS = 2;
/** A prompt this long is a pasted log or file, not a question; recall over it matches everything. */
const MAX_QUERY_CHARS = 2000;
/**
 * Statements captured from one prompt, and from one session's prompts, at most: more than a person states in one
 * message is a pasted list or page (QA: 500 "Remember that …" sentences made 500 memories). The first are kept;
 * how many were left is logged in hooks.log.
 */
export const MAX_PROMPT_CAPTURES = 10;
export const MAX_SESSION_CAPTURES = 100;

export async function prompt(ctx: HookContext): Promise<string | null> {
  const text = ctx.input.prompt.trim();
  if (text === "") return null;
  const chosen = ctx.hasMemory() ? await recallFor(ctx, text) : [];
  // Each capture's nearest memories are searched before the write transaction: on the warm daemon's search
  // thread (inside the transaction FTS5 ranked every match of its words, 0.15–0.4 s at 1M memories).
  const found = extractCaptures(text);
  const room = Math.max(0, Math.min(MAX_PROMPT_CAPTURES, MAX_SESSION_CAPTURES - ctx.state.promptCaptures));
  const captures = found.slice(0, room);
  const prepared = captures.length === 0 ? [] : await Promise.all(captures.map((c) => ctx.engine().prepareMemory(captureInput(ctx, c))));
  // Sentences capture took, over the cap or not, are not taken again as corrections.
  const fixes = ctx.hasMemory() && prepared.length < room ? await corrections(ctx, text, found) : [];
  prepared.push(...fixes.slice(0, room - prepared.length));
  const left = found.length + fixes.length - prepared.length;
  if (left > 0) appendHookLog(ctx.paths.dataDir, `prompt: ${left} more statement${left === 1 ? "" : "s"} not captured (at most ${MAX_PROMPT_CAPTURES} a prompt, ${MAX_SESSION_CAPTURES} a session)`);
  if (prepared.length > 0) ctx.touchState().promptCaptures += prepared.length;
  // Captures an earlier prompt could not write (another process held the lock) go first (pending.ts).
  const kept = ctx.hasMemory() ? await preparedKept(ctx) : [];
  notePrompt(ctx, text);
  let retired = new Set<string>();
  ctx.writeOrKeep(
    "capture",
    () => {
      retired = writeCaptures(ctx, prepared, kept);
    },
    () => {
      retired = new Set();
      keepCaptures(ctx, prepared);
    },
  );
  // A correction in this prompt superseded a fact recall chose: the agent is not told the fact it just retired (QA).
  return inject(ctx, chosen.filter((m) => !retired.has(m.id)));
}

/**
 * Sentences that may correct what is stored ("the staging DB is no longer read-only"; capture/corrections.ts),
 * kept only when one reads as a change of a decision, preference or fact among its nearest memories: said
 * without the cues capture takes alone, they were lost, and the old fact was briefed in every session (QA).
 */
async function corrections(ctx: HookContext, text: string, captured: readonly Capture[]): Promise<PreparedMemory[]> {
  // A sentence the capture rules took already is not stored twice, in their wording and in this one (QA: "FYI X" and "X").
  const words = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  const taken = captured.map((c) => words(c.content));
  const candidates = correctionCandidates(text).filter((c) => {
    const mine = words(c.content);
    return !taken.some((t) => t.includes(mine) || mine.includes(t));
  });
  const prepared = await Promise.all(candidates.map((c) => ctx.engine().prepareMemory(captureInput(ctx, c))));
  return prepared.filter((p) => p.nearest.some((m) => m.status === "active" && statesHowThingsAre(m) && updates(p.candidate, m, LOOSE_MIN_OVERLAP)));
}

/** The memories to inject for the prompt, best first (none when nothing clears the bar). */
async function recallFor(ctx: HookContext, text: string): Promise<Memory[]> {
  const engine = ctx.engine();
  const query = text.slice(0, MAX_QUERY_CHARS);
  const state = ctx.state;
  const skip = new Set([...state.created, ...state.surfaced]);
  // Checkpoints are the briefing's business; re-showing what this session already saw or said is noise.
  // Session summaries echo whole sessions' words, so they match many prompts while saying little.
  const keep = (m: Memory) => m.type !== "checkpoint" && !m.tags.includes("session-summary") && !skip.has(m.id);
  const evidence = await promptEvidence(engine, ctx.dense, query, keep);
  const fresh = evidence.map((e) => ({ memory: e.memory }));
  const worthAnswering = (evidence[0]?.terms ?? 0) >= MIN_PROMPT_TERMS;
  const scored = worthAnswering ? evidence.map((e) => ({ memory: e.memory, p: injectLikelihood(e) })).sort((a, b) => b.p - a.p) : [];
  // What the model weighed, for CAIRN_HOOK_DEBUG (ids and likelihoods only: hooks.log never holds memory text).
  if (process.env.CAIRN_HOOK_DEBUG && scored.length > 0) {
    const best = scored.slice(0, 5).map((c) => `${c.memory.id.slice(0, 8)} ${c.p.toFixed(2)}`);
    appendHookLog(ctx.paths.dataDir, `prompt: ${ctx.dense ? "words and meaning" : "words only"}, ${scored.length} candidates; best ${best.join(", ")} (bar ${INJECT_BAR})`);
  }
  // A rule another candidate changed no longer holds ("unit tests run with jest" after "switched from jest
  // to vitest"): only the change is shown.
  const chosen = scored
    .filter((c) => c.p >= INJECT_BAR && !changedBy(c.memory, fresh))
    .slice(0, PROMPT_LIMIT)
    .map((c) => c.memory);
  // Rules the prompt runs into while sharing too few of its words for the bar (prompt-rules.ts).
  const keywordFound = evidence.filter((e) => e.keywordRank > 0).map((e) => e.memory);
  for (const m of await promptRules(ctx, query, keywordFound)) {
    if (chosen.length < PROMPT_LIMIT && !chosen.some((c) => c.id === m.id) && !changedBy(m, fresh)) chosen.push(m);
  }
  return chosen;
}

/** The context injected for `chosen`, within the budget; they are marked used and surfaced in this session. */
function inject(ctx: HookContext, chosen: readonly Memory[]): string | null {
  if (chosen.length === 0) return null;
  const engine = ctx.engine();
  const lines = applyBudget(
    chosen.map((memory) => ({ memory, content: bullet(memory, 400, true) })),
    PROMPT_BUDGET,
  );
  const ids = lines.map((l) => l.memory.id);
  engine.store.touch(ids, engine.now());
  ctx.touchState().surfaced.push(...ids);
  return ["cairn memory — notes from earlier sessions related to this prompt:", ...lines.map((l) => l.content)].join("\n");
}

/**
 * The session's task, for its checkpoint: the first prompt that says more than a greeting or "let's go on" (one
 * that does not stands in until then). State only: kept whether or not the captures could be written.
 */
function notePrompt(ctx: HookContext, text: string): void {
  const state = ctx.state;
  if (text.length >= 12 && (state.firstPrompt === null || (chatter(state.firstPrompt) && !chatter(text)))) ctx.touchState().firstPrompt = redactedCut(text, 200);
}

function captureInput(ctx: HookContext, c: ReturnType<typeof extractCaptures>[number]): RememberInput {
  // The capture knows whom the sentence is about; a type's default would make every rule global.
  return hookCapture(ctx, c, c.scope === "global");
}

/** A rule (decision, preference, fact) that a newer rule among `pool` changed. Errors and lessons stay: a fix does not retire them. */
function changedBy(m: Memory, pool: readonly { memory: Memory }[]): boolean {
  return statesHowThingsAre(m) && pool.some((n) => statesHowThingsAre(n.memory) && updates(n.memory, m, LOOSE_MIN_OVERLAP));
}

/** A prompt that opens or resumes a session without naming the work: "morning. let's pick up where we left off". */
export function chatter(prompt: string): boolean {
  const t = prompt.trim().toLowerCase();
  if (t.length > 120) return false;
  const rest = t.replace(/^(good )?(morning|afternoon|evening)\b|^(hi|hey|hello|yo|ok|okay)\b/, "").replace(/^[\s,.!]+/, "");
  return rest === "" || /^(let'?s |ok |okay )?(pick up where|continue (where|from)|continue\W*$|carry on|keep going|resume\W*$|go on\W*$|back to it|where were we|where did we leave)/.test(rest);
}
