/**
 * @module Consolidation: groups of active memories that say the same thing (near-copies, see
 * capture/near-copies.ts) or are about one root cause (three or more errors and lessons with the same error
 * signature, see capture/root-cause.ts) become one consolidated memory. Its text is extractive
 * (consolidate-merge.ts); each source is archived (not deleted), linked `part_of` the new memory, and its
 * audit entry names it; {@link undoConsolidation} brings the sources back. Reminders and checkpoints are
 * never merged, and a group touching a legal hold is left as it is. A dry run plans the same work.
 */
import { nearCopyGroups } from "../capture/near-copies.ts";
import { rootCauseKey } from "../capture/root-cause.ts";
import type { MemoryType } from "../domain/kinds.ts";
import type { Memory } from "../domain/memory.ts";
import { CairnError } from "../errors.ts";
import { checkTags } from "./validate.ts";
import type { EngineContext } from "./context.ts";
import { mergeMembers } from "./consolidate-merge.ts";
import { buildMemory } from "./remember.ts";
import { resolveScope, type ScopeOptions } from "./scope.ts";
import { stoppedPartWay } from "./part-way.ts";

export const CONSOLIDATION_REASONS = ["near-copies", "same-error"] as const;
export type ConsolidationReason = (typeof CONSOLIDATION_REASONS)[number];
/** Errors and lessons sharing a signature before they count as one root cause worth one memory. */
export const SAME_ERROR_MIN = 3;
const NEVER_MERGED: ReadonlySet<MemoryType> = new Set(["reminder", "checkpoint"]);
/** Memories one run reads by default, newest first; larger stores are consolidated a slice at a time. */
const SCAN_LIMIT = 200_000;

export interface ConsolidateInput extends ScopeOptions {
  dryRun?: boolean;
  /** Which kinds of group to merge (default both). */
  reasons?: readonly ConsolidationReason[];
  /** The audit actor; default the engine's. Idle passes pass "consolidate". */
  actor?: string;
  /** Read at most this many active memories, newest first (idle passes keep a pass short). */
  limit?: number;
  /** An idle pass: sources an undo brought back stay unfolded (QA: an idle server folded them again minutes later). */
  idle?: boolean;
}

export interface ConsolidatedGroup {
  reason: ConsolidationReason;
  project: string | null;
  type: MemoryType;
  sources: string[];
  /** The consolidated memory's id (null in a dry run or when skipped). */
  id: string | null;
  content: string;
  tags: string[];
  first: number;
  last: number;
  /** Why the group was left as it is (a hold, or a source that changed meanwhile). */
  skipped?: string;
}

export interface ConsolidateReport {
  at: number;
  dryRun: boolean;
  scanned: number;
  groups: ConsolidatedGroup[];
}

export function consolidate(ctx: EngineContext, input: ConsolidateInput = {}): ConsolidateReport {
  const now = ctx.now();
  const reasons = new Set(input.reasons ?? CONSOLIDATION_REASONS);
  const actx: EngineContext = { ...ctx, actor: input.actor ?? ctx.actor, now: () => now };
  const scope = resolveScope(ctx, input);
  const all = ctx.store
    .list({ scope }, now, { limit: input.limit ?? SCAN_LIMIT })
    .filter((m) => !NEVER_MERGED.has(m.type) && !(input.idle && typeof m.metadata.unfolded === "string"));
  const planned = planGroups(all, reasons);
  const report: ConsolidateReport = { at: now, dryRun: input.dryRun === true, scanned: all.length, groups: [] };
  try {
    for (const { reason, members } of planned) {
      const merged = mergeMembers(members);
      const type = reason === "same-error" && members.some((m) => m.type === "lesson") ? "lesson" : members[0]!.type;
      const group: ConsolidatedGroup = { reason, project: members[0]!.project, type, sources: members.map((m) => m.id), id: null, content: merged.content, tags: merged.tags, first: merged.first, last: merged.last };
      group.skipped = unfoldable(ctx, members, merged);
      if (!group.skipped && !report.dryRun) applyOrSkip(actx, group, members, merged);
      report.groups.push(group);
    }
  } catch (err) {
    // Each group is folded in its own transaction: those before the failure stay folded.
    const folded = report.groups.filter((g) => g.id !== null && !g.skipped);
    const done = folded.length === 0 ? null : `${folded.length} group(s) consolidated, into ${folded.map((g) => g.id).join(", ")} (\`cairn consolidate --undo <id>\` reverses one)`;
    throw stoppedPartWay(err, "consolidate", done, report);
  }
  return report;
}

/** Why a group is left as it is, or undefined: a hold, a text that would lose sentences, tags past the limit. */
function unfoldable(ctx: EngineContext, members: readonly Memory[], merged: ReturnType<typeof mergeMembers>): string | undefined {
  const held = members.find((m) => ctx.store.policy.holdsOn(m).length > 0);
  if (held) return `${held.id} is under a legal hold`;
  // The sources are archived once folded: a sentence the text has no room for would be out of recall (QA).
  if (merged.left > 0) return `its text would leave ${merged.left} sentence(s) of the sources out (a consolidated memory holds at most 16,000 characters)`;
  try {
    checkTags(merged.tags);
  } catch (err) {
    if (err instanceof CairnError) return `its merged tags would pass the limit (${err.message})`;
    throw err;
  }
  return undefined;
}

/**
 * {@link apply}; a group the store refuses is reported skipped, and the groups before it stay folded and reported
 * (QA: one refusal ended the run with "Nothing was stored" after earlier groups were folded, their ids unsaid).
 */
function applyOrSkip(ctx: EngineContext, group: ConsolidatedGroup, members: readonly Memory[], merged: ReturnType<typeof mergeMembers>): void {
  try {
    apply(ctx, group, members, merged);
  } catch (err) {
    if (!(err instanceof CairnError && err.isUsage)) throw err;
    group.skipped = err.message;
  }
}

/** Near-copies per (project, type); same-error groups per project among errors and lessons. */
function planGroups(all: readonly Memory[], reasons: ReadonlySet<ConsolidationReason>): Array<{ reason: ConsolidationReason; members: Memory[] }> {
  const out: Array<{ reason: ConsolidationReason; members: Memory[] }> = [];
  const taken = new Set<string>();
  const byId = new Map(all.map((m) => [m.id, m]));
  const buckets = (key: (m: Memory) => string | null) => {
    const map = new Map<string, Memory[]>();
    for (const m of all) {
      const k = taken.has(m.id) ? null : key(m);
      if (k !== null) (map.get(k) ?? map.set(k, []).get(k)!).push(m);
    }
    return map.values();
  };
  if (reasons.has("near-copies")) {
    // A memory stored with `distinct` was kept apart from its near-copies by the user: never folded with them.
    for (const bucket of buckets((m) => (m.metadata.distinct === true ? null : `${m.project ?? ""}\u0000${m.type}`))) {
      for (const ids of nearCopyGroups(bucket)) {
        out.push({ reason: "near-copies", members: ids.map((id) => byId.get(id)!) });
        for (const id of ids) taken.add(id);
      }
    }
  }
  if (reasons.has("same-error")) {
    const key = (m: Memory) => (m.type === "error" || m.type === "lesson" ? rootCauseKey(m.content) : null);
    const inProject = (m: Memory) => {
      const k = key(m);
      return k === null ? null : `${m.project ?? ""}\u0000${k}`;
    };
    for (const bucket of buckets(inProject)) {
      if (bucket.length >= SAME_ERROR_MIN) out.push({ reason: "same-error", members: bucket });
    }
  }
  return out;
}

/**
 * The sources' links to other memories, given to the consolidated memory (both directions, as they were): the
 * fix linked to an error comes along with the error that took its place (QA: it stayed on the archived source,
 * and recall lost it). Links among the sources and their `part_of` links stay where they are.
 */
function carryLinks(ctx: EngineContext, members: readonly Memory[], into: string, now: number): void {
  const { store } = ctx;
  const sources = new Set(members.map((m) => m.id));
  for (const m of members) {
    for (const e of store.edges(m.id)) {
      const other = e.fromId === m.id ? e.toId : e.fromId;
      if (sources.has(other) || other === into || e.relation === "part_of") continue;
      const carried = e.fromId === m.id ? { ...e, fromId: into } : { ...e, toId: into };
      if (!store.addEdge({ ...carried, createdAt: now })) continue;
      store.appendAudit({
        at: now, actor: ctx.actor, op: "link", memoryId: carried.fromId, hashBefore: null, hashAfter: null, contentBefore: null,
        detail: { relation: e.relation, to: carried.toId, carried_from: m.id },
      });
      // What a source superseded is superseded by the memory that took its place: forgetting that one makes it
      // current again, as forgetting the source would have (QA: it pointed at the archived source for good).
      if (e.relation === "supersedes" && e.fromId === m.id) moveSuccessor(ctx, e.toId, m.id, into, now);
    }
  }
}

/** `id`, superseded by `from`, is superseded by `to` from now on (audited); otherwise left as it is. */
export function moveSuccessor(ctx: EngineContext, id: string, from: string, to: string, now: number): void {
  const old = ctx.store.get(id);
  if (!old || old.status !== "superseded" || old.supersededBy !== from) return;
  ctx.store.replace({ ...old, supersededBy: to, updatedAt: now });
  ctx.store.appendAudit({
    at: now, actor: ctx.actor, op: "update", memoryId: id, hashBefore: old.contentHash, hashAfter: old.contentHash, contentBefore: null,
    detail: { changed: ["supersededBy"], before: { supersededBy: from }, superseded_by: to },
  });
}

function apply(ctx: EngineContext, group: ConsolidatedGroup, members: readonly Memory[], merged: ReturnType<typeof mergeMembers>): void {
  const now = ctx.now();
  const { store } = ctx;
  store.transaction(() => {
    // Planned outside the write lock: a source another process changed since is left alone.
    const current = members.map((m) => store.get(m.id));
    if (current.some((c, i) => !c || c.status !== "active" || c.contentHash !== members[i]!.contentHash || c.updatedAt !== members[i]!.updatedAt)) {
      group.skipped = "a source changed meanwhile";
      return;
    }
    const draft = buildMemory(ctx, {
      content: group.content,
      type: group.type,
      tags: group.tags,
      project: group.project,
      // An event time only when a source had one: the sources' creation is not when something happened (QA).
      eventTime: members.some((m) => m.eventTime !== null) ? merged.first : null,
      priority: merged.priority,
      metadata: { consolidated: { reason: group.reason, sources: group.sources, first: merged.first, last: merged.last } },
    }, now);
    const memory: Memory = { ...draft, accessCount: merged.accessCount, expiresAt: merged.expiresAt };
    // Sources first: the new text may equal one of them, which must not count as a duplicate of itself.
    for (const m of members) {
      store.replace({ ...m, status: "archived", updatedAt: now });
      store.appendAudit({ at: now, actor: ctx.actor, op: "consolidate", memoryId: m.id, hashBefore: m.contentHash, hashAfter: m.contentHash, contentBefore: null, detail: { into: memory.id, reason: group.reason } });
    }
    store.insert(memory);
    store.appendAudit({ at: now, actor: ctx.actor, op: "create", memoryId: memory.id, hashBefore: null, hashAfter: memory.contentHash, contentBefore: null, detail: { type: memory.type, consolidated: group.sources.length } });
    for (const m of members) {
      if (store.addEdge({ fromId: m.id, toId: memory.id, relation: "part_of", weight: 1, createdAt: now, metadata: { consolidation: true } })) {
        store.appendAudit({ at: now, actor: ctx.actor, op: "link", memoryId: m.id, hashBefore: null, hashAfter: null, contentBefore: null, detail: { relation: "part_of", to: memory.id } });
      }
    }
    carryLinks(ctx, members, memory.id, now);
    group.id = memory.id;
  });
}
