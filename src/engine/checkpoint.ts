/**
 * @module Handing work across sessions: `checkpoint` stores where a task stands (progress, next steps,
 * files, decisions) and `resume` finds the latest checkpoint again, for this task or for the project.
 */
import { redactSecrets } from "../capture/redact.ts";
import type { Memory } from "../domain/memory.ts";
import { CairnError, cairnError } from "../errors.ts";
import { buildKeywordQuery } from "../retrieve/fts-query.ts";
import { queryTerms, stem, tokens } from "../retrieve/terms.ts";
import type { EngineContext } from "./context.ts";
import { updateMemory } from "./modify.ts";
import { buildMemory, type RememberStatus, storeOrReinforce } from "./remember.ts";
import { writeProject } from "./projects.ts";
import { resolveScope, type ScopeOptions } from "./scope.ts";
import { slugify } from "../domain/slug.ts";
import { stemSet } from "../text/porter.ts";
import { cutText } from "../text/cut.ts";

export interface CheckpointState {
  task: string;
  progress: string;
  next_steps: string[];
  files: string[];
  decisions: string[];
}

export interface CheckpointInput {
  task: string;
  progress: string;
  /** What is left; [] when nothing is (the task is complete), null when the writer cannot tell (a hook). */
  nextSteps: string[] | null;
  files?: string[];
  decisions?: string[];
  /** Project key; null = global; undefined = the engine's project. */
  project?: string | null;
  sessionId?: string | null;
  agent?: string | null;
  /**
   * The id of a checkpoint this writer made earlier for the same run of work (a hook's, for its session): while
   * it is an active checkpoint of the same project it is brought up to date in place (an `update` in the audit
   * log) instead of a new one being added, and only decisions it did not list yet are stored and linked.
   */
  replace?: string | null;
}

export interface CheckpointResult {
  id: string;
  /** "updated": the checkpoint named by `replace`, rewritten. */
  status: RememberStatus | "updated";
  /** Each decision is also remembered on its own (type decision), so it outlives the checkpoint. */
  decisions: Array<{ id: string; status: RememberStatus }>;
  /** Secrets taken out of what was sent (the checkpoint's text and its decisions), when any were. */
  redacted?: number;
}

export interface ResumeResult {
  checkpoint: Memory | null;
  state: CheckpointState | null;
}

const MAX_TASK_CHARS = 300;
const MAX_ITEMS = 100;

/** A stable tag per task, so resume finds a task's checkpoints exactly rather than by keyword luck. */
export function taskTag(task: string): string {
  const slug = cutText(slugify(task), 60);
  return `task:${slug || "untitled"}`;
}

function checkList(name: string, items: readonly string[] | undefined): string[] {
  const list = (items ?? []).map((s) => s.trim()).filter((s) => s !== "");
  if (list.length > MAX_ITEMS) throw cairnError("USAGE", [`Give at most ${MAX_ITEMS} ${name}, got ${list.length}.`]);
  return list;
}

function render(s: CheckpointState, stepsKnown: boolean): string {
  const bullets = (items: string[]) => items.map((i) => `- ${i}`).join("\n");
  return [
    `Checkpoint: ${s.task}`,
    `Progress: ${s.progress}`,
    ...(s.next_steps.length > 0 ? [`Next steps:\n${bullets(s.next_steps)}`] : stepsKnown ? ["Next steps: none (task complete)"] : []),
    ...(s.files.length > 0 ? [`Files: ${s.files.join(", ")}`] : []),
    ...(s.decisions.length > 0 ? [`Decisions:\n${bullets(s.decisions)}`] : []),
  ].join("\n");
}

export function checkpoint(ctx: EngineContext, input: CheckpointInput): CheckpointResult {
  // Redacted first: the task also becomes a tag slug, whose shape no longer shows a token.
  const task = redactSecrets(input.task.trim()).text;
  if (task === "") throw cairnError("USAGE", ["Name the task the checkpoint is for, e.g. \"migrate auth to OAuth\"."]);
  if (task.length > MAX_TASK_CHARS) throw cairnError("USAGE", [`Keep the task name under ${MAX_TASK_CHARS} characters; put detail in progress.`]);
  const progress = input.progress.trim();
  if (progress === "") throw cairnError("USAGE", ["Say what is done so far in progress."]);
  const state: CheckpointState = {
    task,
    progress,
    next_steps: checkList("next steps", input.nextSteps ?? []),
    files: checkList("files", input.files),
    decisions: checkList("decisions", input.decisions),
  };
  const now = ctx.now();
  const common = { project: writeProject(ctx, input.project), sessionId: input.sessionId, agent: input.agent, source: "checkpoint" };
  // The state goes into metadata unchecked: its size is bounded by the rendered content's limit instead. It is
  // redacted on its way into the store (engine/redacting-store.ts), like every field.
  const built = withinLimit(() => buildMemory(ctx, { ...common, content: render(state, input.nextSteps !== null), type: "checkpoint", tags: ["checkpoint", taskTag(task)] }, now));
  const cp = { ...built, metadata: { checkpoint: state } };
  const decisions = state.decisions.map((d) =>
    buildMemory(ctx, { ...common, content: d, type: "decision", tags: [taskTag(task)] }, now),
  );
  // The caller should know a secret it sent was not kept, as `remember` tells it (QA: the MCP reply said nothing).
  const redactedIn = (m: { metadata: Record<string, unknown> }) => (typeof m.metadata.redacted === "number" ? m.metadata.redacted : 0);
  const redacted = redactedIn(built) + decisions.reduce((n, d) => n + redactedIn(d), 0);
  return ctx.store.transaction(() => {
    const previous = input.replace ? replaceable(ctx, input.replace, cp.project) : null;
    const saved = previous
      ? { id: updateMemory(ctx, previous.id, { content: cp.content, tags: cp.tags, metadata: cp.metadata }).id, status: "updated" as const }
      : storeOrReinforce(ctx, cp, now);
    const listed = new Set(previous ? readState(previous).decisions : []);
    const savedDecisions = decisions.filter((d) => !listed.has(d.content)).map((d) => storeOrReinforce(ctx, d, now));
    for (const d of savedDecisions) {
      ctx.store.addEdge({ fromId: d.id, toId: saved.id, relation: "part_of", weight: 1, createdAt: now, metadata: {} });
    }
    return {
      id: saved.id,
      status: saved.status,
      decisions: savedDecisions.map((d) => ({ id: d.id, status: d.status })),
      ...(redacted > 0 ? { redacted } : {}),
    };
  });
}

/**
 * The checkpoint `id` names when it can still be brought up to date: active, a checkpoint, in `project`, and
 * under no legal hold (a held one stays as it was; a new checkpoint is added beside it).
 */
function replaceable(ctx: EngineContext, id: string, project: string | null): Memory | null {
  const m = ctx.store.get(id);
  const fits = m && m.status === "active" && m.type === "checkpoint" && m.project === project;
  return fits && ctx.store.policy.holdsOn(m).length === 0 ? m : null;
}

/** The newest checkpoint for `task` (matched by its tag, then by words), or the project's newest one. */
export function resume(ctx: EngineContext, input: { task?: string } & ScopeOptions): ResumeResult {
  // Checkpoints belong to a project; global ones are only wanted when asked for (project null).
  const scope = resolveScope(ctx, { ...input, includeGlobal: input.project === null });
  const filter = { scope, types: ["checkpoint" as const] };
  const now = ctx.now();
  const newest = (tags?: string[]) => ctx.store.list({ ...filter, tags }, now, { limit: 1 })[0] ?? null;
  let found: Memory | null;
  const task = input.task === undefined ? undefined : redactSecrets(input.task.trim()).text;
  if (task) {
    found = newest([taskTag(task)]);
    if (!found) {
      const { match } = buildKeywordQuery(task);
      const hit = match === null ? undefined : ctx.store.searchText(match, filter, now, 1)[0]?.memory;
      // Only a checkpoint whose task and progress hold most of the words asked for: "task" alone (in every
      // checkpoint's tag) must not resume another task.
      const best = hit && namesTask(hit, task) ? hit : undefined;
      // The words pick the task; that task's newest checkpoint is the one to resume from.
      const tag = best?.tags.find((t) => t.startsWith("task:"));
      found = (tag ? newest([tag]) : null) ?? best ?? null;
    }
  } else {
    found = newest();
  }
  if (!found) return { checkpoint: null, state: null };
  ctx.store.touch([found.id], now);
  return { checkpoint: found, state: readState(found) };
}

/** Words of a task name that name no particular task. */
const GENERIC = stemSet(["task", "checkpoint", "work", "progress", "next", "step", "steps", "resume"], stem);

/** Whether `m`'s task and progress hold at least half of the task words `asked` (one at the least). */
function namesTask(m: Memory, asked: string): boolean {
  const wanted = [...new Set(queryTerms(asked).flatMap((t) => t.words))].filter((w) => !GENERIC.has(w));
  const state = readState(m);
  const have = new Set(tokens(`${state.task} ${state.progress}`));
  const held = wanted.filter((w) => have.has(w)).length;
  return held > 0 && held * 2 >= wanted.length;
}

function readState(m: Memory): CheckpointState {
  const raw = m.metadata.checkpoint as Partial<CheckpointState> | undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    task: typeof raw?.task === "string" ? raw.task : m.content.split("\n")[0]!.replace(/^Checkpoint:\s*/, ""),
    progress: typeof raw?.progress === "string" ? raw.progress : m.content,
    next_steps: list(raw?.next_steps),
    files: list(raw?.files),
    decisions: list(raw?.decisions),
  };
}

/**
 * `build`, its content's size refused in a checkpoint's terms: "split it into smaller memories" told an agent whose
 * fields were each within the tool's schema nothing it could do (QA).
 */
function withinLimit<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof CairnError && err.code === "CONTENT_TOO_LARGE") throw cairnError("CHECKPOINT_TOO_LARGE", err.args);
    throw err;
  }
}
