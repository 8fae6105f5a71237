/**
 * @module What a memory superseded, when the memory goes or comes back. A memory that replaced others (a
 * `supersedes` link it starts, made by `relate` or on write) and is then forgotten or purged leaves them
 * pointing at something no longer current: recall would return neither. They become current again (a
 * purged successor that was itself superseded hands them on to its own successor instead); restoring the
 * successor retires them again, through the same links.
 */
import { type Edge, UNDONE } from "../domain/edge.ts";
import type { Memory } from "../domain/memory.ts";
import type { EngineContext } from "./context.ts";

/** The memories `id` superseded and that still say so (read before a purge deletes the links). */
export function supersededBy(ctx: EngineContext, id: string): Memory[] {
  return ctx.store
    .edges(id)
    .filter((e) => e.fromId === id && e.relation === "supersedes")
    .map((e) => ctx.store.get(e.toId))
    .filter((m): m is Memory => m !== null && m.status === "superseded" && m.supersededBy === id);
}

/**
 * `gone` (as it was before being forgotten or purged) no longer stands: what it superseded is current again,
 * or, when `gone` was itself superseded and is purged, superseded by its successor. Returns the ids made current.
 */
export function successorGone(ctx: EngineContext, gone: Memory, predecessors: readonly Memory[], now: number, purged: boolean): string[] {
  const handOn = purged && gone.status === "superseded" && gone.supersededBy ? gone.supersededBy : null;
  if (!purged && gone.status !== "active") return [];
  const current: string[] = [];
  for (const m of predecessors) {
    // A held memory keeps its state, superseded included (QA: it became current when its successor was forgotten).
    if (ctx.store.policy.holdsOn(m).length > 0) continue;
    if (handOn) {
      ctx.store.replace({ ...m, supersededBy: handOn, updatedAt: now });
      audit(ctx, m, now, "update", { changed: ["superseded_by"], superseded_by: handOn, successorPurged: gone.id });
      continue;
    }
    ctx.store.replace({ ...m, status: "active", supersededBy: null, updatedAt: now });
    audit(ctx, m, now, "restore", { statusBefore: "superseded", successorGone: gone.id });
    current.push(m.id);
  }
  return current;
}

/** `back` is active again: the memories its `supersedes` links name, active meanwhile, are superseded again. */
export function successorBack(ctx: EngineContext, back: Memory, now: number): string[] {
  const retired: string[] = [];
  for (const e of ctx.store.edges(back.id)) {
    if (e.fromId !== back.id || e.relation !== "supersedes" || e.metadata[UNDONE] !== undefined) continue;
    const m = ctx.store.get(e.toId);
    if (!m || m.status !== "active" || ctx.store.policy.holdsOn(m).length > 0) continue;
    ctx.store.replace({ ...m, status: "superseded", supersededBy: back.id, updatedAt: now });
    audit(ctx, m, now, "update", { changed: ["status"], before: { status: "active" }, superseded_by: back.id, successorRestored: true });
    retired.push(m.id);
  }
  return retired;
}

/**
 * The `supersedes` links into `id` (from `from` only, when given) no longer retire it: the user restored it
 * while its successor stood, or linked it as superseding its successor. Each marked {@link UNDONE}, audited.
 */
export function undoSupersedes(ctx: EngineContext, id: string, now: number, from?: string): void {
  const undo = (e: Edge) => e.toId === id && e.relation === "supersedes" && (from === undefined || e.fromId === from) && e.metadata[UNDONE] === undefined;
  for (const e of ctx.store.edges(id).filter(undo)) {
    ctx.store.setEdgeMetadata({ ...e, metadata: { ...e.metadata, [UNDONE]: now } });
    ctx.store.appendAudit({ at: now, actor: ctx.actor, op: "link", memoryId: e.fromId, hashBefore: null, hashAfter: null, contentBefore: null, detail: { relation: e.relation, to: id, undone: true } });
  }
}

function audit(ctx: EngineContext, m: Memory, at: number, op: "restore" | "update", detail: Record<string, unknown>): void {
  ctx.store.appendAudit({ at, actor: ctx.actor, op, memoryId: m.id, hashBefore: m.contentHash, hashAfter: m.contentHash, contentBefore: null, detail });
}
