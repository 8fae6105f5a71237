/**
 * @module Updates and contradictions on write. A new statement is compared (capture/compare.ts) with the
 * active memories of its scope that share the most words with it. One it changes with confidence (a change
 * cue with the value replaced, two signals together: see capture/change-rules.ts) is superseded at once:
 * status `superseded`, a `supersedes` edge from the new memory, an `update` audit entry; it stays in history
 * and `recall --include-superseded` or `cairn restore` bring it back. One it may change or disagree with is
 * returned as a possible conflict for the agent or user to settle (`relate … supersedes`, `update`,
 * `forget`), and kept as a link marked possible, which recall reads (retrieve/flagged-first.ts). Measured on
 * blind labelled pairs (bench/lifecycle.ts, DESIGN.md "Conflicts on write").
 */
import { LOOSE_MIN_OVERLAP, reportedOnly } from "../capture/change-rules.ts";
import { type Comparison, compareStatements } from "../capture/compare.ts";
import { speaksOfThePerson, statementScope } from "../capture/scope.ts";
import { leavesPartAlone } from "../capture/untouched-part.ts";
import { POSSIBLE_CHANGE } from "../domain/edge.ts";
import { statesHowThingsAre } from "../domain/kinds.ts";
import { type Memory, type MemoryFilter, statedAt } from "../domain/memory.ts";
import { isStanding } from "../domain/standing.ts";
import { buildKeywordQuery } from "../retrieve/fts-query.ts";
import type { TextHit } from "../store/store.ts";
import type { EngineContext } from "./context.ts";
import { exactScope } from "./scope.ts";

const standing = isStanding;
/** How many memories sharing the most words with the new one are compared with it (found before it is stored). */
const CANDIDATES = 4;

/** A possible conflict of a new memory: an active one it changes or contradicts, and why. */
export interface Conflict {
  id: string;
  content: string;
  reason: string;
}

export interface RelatedOnWrite {
  /** Left as they are, for the caller to settle. */
  conflicts: Conflict[];
  /** Retired by the new memory just now (status superseded, `supersedes` edge, audit entry). */
  superseded: Conflict[];
}

/**
 * The active memories of `candidate`'s scope sharing the most words with it, best first: what
 * {@link relatedOnWrite} compares it with. A read, done before the write transaction: ranking every keyword
 * match takes ~20 ms at 100k memories and ~150 ms at 1M, which the write lock no longer waits for.
 */
export function nearestOnWrite(ctx: EngineContext, candidate: Memory, now: number): Memory[] {
  const match = nearestMatch(candidate);
  if (match === null) return [];
  const own = nearestOf(candidate, ctx.store.searchText(match, scopeOf(candidate), now, CANDIDATES));
  return personal(candidate) ? [...own, ...aboutThePerson(ctx.store.searchText(match, GLOBAL, now, CANDIDATES))] : own;
}

/**
 * {@link nearestOnWrite} through the store's search thread, where it has one (a long-lived process's): the same
 * memories. On the store's own thread a long-lived process has no keyword index, and FTS5 ranked every match
 * of the new memory's words: 150–400 ms a `remember` of `cairn mcp` at 1M memories.
 */
export async function nearestOnWriteSoon(ctx: EngineContext, candidate: Memory, now: number): Promise<Memory[]> {
  const match = nearestMatch(candidate);
  if (match === null) return [];
  const own = nearestOf(candidate, await ctx.store.searchTextSoon(match, scopeOf(candidate), now, CANDIDATES));
  return personal(candidate) ? [...own, ...aboutThePerson(await ctx.store.searchTextSoon(match, GLOBAL, now, CANDIDATES))] : own;
}

/** The keyword query of a new memory's nearest search; null when it has none (or is not a standing statement). */
function nearestMatch(candidate: Memory): string | null {
  return standing(candidate) ? buildKeywordQuery(candidate.content).match : null;
}

function nearestOf(candidate: Memory, hits: readonly TextHit[]): Memory[] {
  return hits.map((h) => h.memory).filter((m) => m.id !== candidate.id && standing(m) && m.project === candidate.project);
}

const scopeOf = (m: Memory): MemoryFilter => ({ scope: exactScope(m.project) });
const GLOBAL: MemoryFilter = { scope: exactScope(null) };

/**
 * A project statement speaking of the person ("I moved from Lisbon to Berlin", stored in the project as a fact's
 * default scope is) is compared with the global memories about them too ("I live in Lisbon."): otherwise the
 * briefing showed both as current (QA). Only flagged, never superseded or reinforced: a project write leaves
 * the global scope as it is.
 */
const personal = (candidate: Memory) => candidate.project !== null && speaksOfThePerson(candidate.content);
const aboutThePerson = (hits: readonly TextHit[]): Memory[] =>
  hits.map((h) => h.memory).filter((m) => m.project === null && standing(m) && statementScope(m.content) === "global");

/** An active memory near a new one, and how the new one relates to it (capture/compare.ts compareStatements). */
export interface Compared {
  memory: Memory;
  comparison: Comparison;
}

/**
 * `nearest` as they are now, inside the write transaction (one another process changed or retired since is left
 * out), each compared with `candidate` once: the rewording check (remember.ts) and {@link relatedOnWrite} read it.
 */
export function compareNearest(ctx: EngineContext, nearest: readonly Memory[], candidate: Memory, now: number): Compared[] {
  if (nearest.length === 0) return [];
  const seen: MemoryFilter = { scope: { ...exactScope(candidate.project), includeGlobal: true } };
  const byId = new Map(ctx.store.getMany(nearest.map((m) => m.id), seen, now).map((m) => [m.id, m]));
  return nearest.flatMap((m) => {
    const current = byId.get(m.id);
    return current && current.updatedAt === m.updatedAt ? [{ memory: current, comparison: compareStatements(current.content, candidate.content) }] : [];
  });
}

/**
 * Compares `candidate` (just stored) with the active memories of its scope nearest to it (`nearest`, from
 * {@link nearestOnWrite} before the write began, as {@link compareNearest} found and compared them inside it) and supersedes the one it confidently changes. A statement
 * that would retire several at once is ambiguous (on the blind coding sets such a write was nearly always
 * wrong for all but one: "use `moved` blocks instead of `terraform state mv`" retired three unrelated
 * Terraform notes), so then each is only reported as a possible conflict.
 * A loose signal (a change cue, a negation, another value in a shared frame: Comparison.looseOverlap) is kept
 * for the closest candidate only (the keyword search's first): a note saying "moved X to Y" shares a word with
 * several others and flagged them all. On the organic stores of coding e–f and current a–e (2,666 memories,
 * each compared as it was written), flags 1,303 → 835 and those outside the labelled stale/current pairs
 * 1,036 → 580, labelled pairs found 267 → 255 of 413; the labelled pair sets (one candidate each) unchanged.
 */
export function relatedOnWrite(ctx: EngineContext, candidate: Memory, now: number, nearest: readonly Compared[]): RelatedOnWrite {
  const out: RelatedOnWrite = { conflicts: [], superseded: [] };
  const changed: Array<{ memory: Memory; found: Conflict; sure: boolean }> = [];
  let looseKept = false;
  for (const { memory, comparison } of nearest) {
    const { relation, reason, confident, looseOverlap } = comparison;
    if (relation !== "update" && relation !== "conflict") continue;
    const sure = confident && older(memory, candidate) && memory.project === candidate.project && ctx.store.policy.holdsOn(memory).length === 0;
    if (looseOverlap !== undefined) {
      if (looseKept || looseOverlap < LOOSE_MIN_OVERLAP) continue;
      looseKept = true;
    }
    // A memory holding a statement the change leaves alone stays current, flagged, and the reply says why.
    const partly = sure && leavesPartAlone(memory.content, candidate.content);
    changed.push({ memory, found: { id: memory.id, content: memory.content, reason: partly ? `${reason}; it also says what this does not change, so it was kept` : reason }, sure: sure && !partly });
  }
  const sure = namingTheOldValue(changed.filter((c) => c.sure), candidate.content);
  for (const c of changed) {
    if (sure.length === 1 && sure[0] === c) {
      supersede(ctx, candidate, c.memory, now, c.found.reason);
      out.superseded.push(c.found);
    } else {
      out.conflicts.push(c.found);
      if (kept(c.memory, candidate, c.found.reason)) flagPossibleChange(ctx, candidate, c.memory, now, c.found.reason);
    }
  }
  return out;
}

/** "from Node 20 to Node 22", "from Webpack back to Vite": what the change says it moved from. */
const FROM_VALUE = /\bfrom\s+(?<from>[^,;:.()]{1,60}?)\s+(?:back\s+)?to\s/i;

/**
 * Of several sure changes, the one holding the value the new statement says it moved from, when only one
 * does: "We upgraded CI from Node 20 to Node 22" retires "CI runs on Node 20", and leaves "CI ran on Node 16"
 * and "… Node 18" flagged (QA: with three earlier versions stored, none was retired). Otherwise all of them,
 * which then stay flagged as ambiguous.
 */
function namingTheOldValue<T extends { memory: Memory }>(sure: readonly T[], content: string): readonly T[] {
  if (sure.length < 2) return sure;
  const from = FROM_VALUE.exec(content)?.groups?.from;
  const words = (t: string) => t.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}.+#-]*/gu) ?? [];
  const wanted = from ? words(from) : [];
  if (wanted.length === 0) return sure;
  const holding = sure.filter((c) => {
    const have = new Set(words(c.memory.content));
    return wanted.every((w) => have.has(w));
  });
  return holding.length === 1 ? holding : sure;
}

/**
 * A possible conflict found outside the comparison of {@link relatedOnWrite} (remember.ts: a statement saying
 * again what a later one replaced), kept as a link on the same terms as those it finds.
 */
export function keepPossibleConflict(ctx: EngineContext, candidate: Memory, memory: Memory, now: number, reason: string): void {
  if (kept(memory, candidate, reason)) flagPossibleChange(ctx, candidate, memory, now, reason);
}

/** Whether a possible conflict of `candidate` with the earlier `memory` is kept as a link (see flagPossibleChange). */
const kept = (memory: Memory, candidate: Memory, reason: string) =>
  older(memory, candidate) && statesHowThingsAre(memory) && statesHowThingsAre(candidate) && !reportedOnly(reason);

/**
 * Keeps a possible conflict the agent may never settle: a `contradicts` link from the later statement to the
 * earlier one, marked `possible` (and `auto`), with an audit entry. Recall puts the later one just ahead of
 * the earlier (retrieve/flagged-first.ts), `cairn graph` shows the link, and `relate … supersedes`, `update`
 * or `forget` settle it as before. Both stay active. Kept between decisions, preferences and facts (a lesson
 * or an error adds to what came before, and recall moves only these). A conflict found only by a negation one
 * has and the other lacks ("says the opposite") is reported, not kept: in whole stores it was the signal most
 * often wrong (of the moves that pushed a right answer down on coding-e, coding-g and graph-d, 15 of 31; of
 * those that put a current memory first on current a–f, 2 of 33).
 */
function flagPossibleChange(ctx: EngineContext, by: Memory, old: Memory, now: number, reason: string): void {
  const metadata = { auto: true, [POSSIBLE_CHANGE]: true, reason };
  if (!ctx.store.addEdge({ fromId: by.id, toId: old.id, relation: "contradicts", weight: 1, createdAt: now, metadata })) return;
  ctx.store.appendAudit({ at: now, actor: ctx.actor, op: "link", memoryId: by.id, hashBefore: null, hashAfter: null, contentBefore: null, detail: { relation: "contradicts", to: old.id, auto: true, possible: true } });
}

/** The earlier statement is the one replaced: by the time it happened (event time), else by when it was written. */
const older = (m: Memory, than: Memory) => statedAt(m) <= statedAt(than);

function supersede(ctx: EngineContext, by: Memory, old: Memory, now: number, reason: string): void {
  ctx.store.addEdge({ fromId: by.id, toId: old.id, relation: "supersedes", weight: 1, createdAt: now, metadata: { auto: true } });
  ctx.store.appendAudit({ at: now, actor: ctx.actor, op: "link", memoryId: by.id, hashBefore: null, hashAfter: null, contentBefore: null, detail: { relation: "supersedes", to: old.id, auto: true } });
  ctx.store.replace({ ...old, status: "superseded", supersededBy: by.id, updatedAt: now });
  ctx.store.appendAudit({
    at: now,
    actor: ctx.actor,
    op: "update",
    memoryId: old.id,
    hashBefore: old.contentHash,
    hashAfter: old.contentHash,
    contentBefore: null,
    detail: { changed: ["status"], before: { status: old.status }, superseded_by: by.id, reason },
  });
}
