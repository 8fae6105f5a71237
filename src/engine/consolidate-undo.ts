/**
 * @module Undoing a consolidation: the sources the consolidated memory records come back to active (those
 * still archived; one forgotten or purged since stays as it is) and the consolidated memory is archived, each
 * with its audit entry. Its `part_of` links stay, as history (a team shares links as a union: one removed here
 * would come back from the others); its other links, those made after it too, are given to the sources restored.
 */
import { consolidatedSources } from "../domain/consolidated.ts";
import type { Memory } from "../domain/memory.ts";
import { cairnError } from "../errors.ts";
import type { EngineContext } from "./context.ts";
import { moveSuccessor } from "./consolidate.ts";
import { assertNotHeld } from "./holds.ts";
import { resolveId, shortId } from "./ids.ts";

export interface UndoConsolidationResult {
  id: string;
  restored: string[];
  /**
   * Sources no longer there to restore (purged), no longer archived (restored or changed by hand) or forgotten since
   * they were folded; for an undo done before, only the purged ones.
   */
  missing: string[];
  /** Undone before (the consolidated memory archived, no source archived): nothing changed. */
  already: boolean;
  /** The memory that superseded the consolidated one: the sources come back superseded by it, not current. */
  supersededBy?: string;
  /** The consolidated memory's text was edited after it was made: those edits stay with it, archived. */
  edited?: true;
}

/** Whether `id`'s last change of status in the audit log is a forget (not its consolidation or a restore). */
export function forgottenSince(ctx: EngineContext, id: string): boolean {
  const last = ctx.store.history(id).filter((e) => e.op === "forget" || e.op === "restore" || e.op === "consolidate").at(-1);
  return last?.op === "forget";
}


/**
 * The consolidated memory's links to other memories, given to each source restored (both directions, as they
 * were, settled or not): a possible conflict a later statement was flagged with against the consolidated memory
 * holds against the sources that say the same (QA: the undo lost it, and the stale source ranked first again).
 * A source holding the link already (it had it before the fold) keeps its own; `part_of` and `supersedes` have
 * their own handling above.
 */
function carryBack(ctx: EngineContext, id: string, sources: readonly string[], restored: readonly string[], now: number): void {
  const { store } = ctx;
  for (const e of store.edges(id)) {
    const other = e.fromId === id ? e.toId : e.fromId;
    if (sources.includes(other) || e.relation === "part_of" || e.relation === "supersedes") continue;
    for (const sid of restored) {
      const carried = e.fromId === id ? { ...e, fromId: sid } : { ...e, toId: sid };
      if (!store.addEdge({ ...carried, createdAt: now })) continue;
      store.appendAudit({
        at: now, actor: ctx.actor, op: "link", memoryId: carried.fromId, hashBefore: null, hashAfter: null, contentBefore: null,
        detail: { relation: e.relation, to: carried.toId, carried_from: id },
      });
    }
  }
}

export function undoConsolidation(ctx: EngineContext, idOrPrefix: string): UndoConsolidationResult {
  const { store } = ctx;
  return store.transaction(() => {
    const id = resolveId(store, idOrPrefix);
    const memory = store.get(id)!;
    const sources = consolidatedSources(memory);
    if (!sources) throw cairnError("NOT_CONSOLIDATED", [id]);
    assertNotHeld(ctx, memory, "forgotten");
    // Folded into a later consolidation that stands: undoing this one alone would bring its sources back
    // beside the later one, which says the same (QA: three active copies).
    const outer = store
      .edges(id)
      .filter((e) => e.fromId === id && e.relation === "part_of")
      .map((e) => store.get(e.toId))
      .find((m) => m !== null && m.status === "active" && consolidatedSources(m)?.includes(id));
    if (outer) throw cairnError("CONSOLIDATED_SINCE", [shortId(store, id), shortId(store, outer.id)]);
    const now = ctx.now();
    const restored: string[] = [];
    const purged: string[] = [];
    const notArchived: string[] = [];
    // Superseded since it was made: its sources are as outdated as it is (QA: they came back current beside the newer one).
    const successor = memory.status === "superseded" && memory.supersededBy && store.get(memory.supersededBy) ? memory.supersededBy : null;
    for (const sid of sources) {
      const s = store.get(sid);
      // Forgotten by the user since it was folded: not brought back.
      if (!s || s.status !== "archived" || forgottenSince(ctx, sid)) {
        (s ? notArchived : purged).push(sid);
        continue;
      }
      // Marked as brought back by an undo: an idle pass leaves it unfolded (an explicit `cairn consolidate` may fold it).
      const back: Memory = { ...s, status: successor ? "superseded" : "active", supersededBy: successor, metadata: { ...s.metadata, unfolded: id }, updatedAt: now };
      store.replace(back);
      store.appendAudit({ at: now, actor: ctx.actor, op: "restore", memoryId: sid, hashBefore: s.contentHash, hashAfter: s.contentHash, contentBefore: null, detail: { statusBefore: "archived", status: back.status, undoConsolidation: id } });
      if (successor && store.addEdge({ fromId: successor, toId: sid, relation: "supersedes", weight: 1, createdAt: now, metadata: { undoConsolidation: id } })) {
        store.appendAudit({ at: now, actor: ctx.actor, op: "link", memoryId: successor, hashBefore: null, hashAfter: null, contentBefore: null, detail: { relation: "supersedes", to: sid } });
      }
      restored.push(sid);
    }
    // What it took over superseding from a source is superseded by that source again.
    for (const e of store.edges(id)) {
      if (e.fromId !== id || e.relation !== "supersedes") continue;
      const from = restored.find((sid) => store.edges(sid).some((s) => s.fromId === sid && s.toId === e.toId && s.relation === "supersedes"));
      if (from) moveSuccessor(ctx, e.toId, id, from, now);
    }
    carryBack(ctx, id, sources, restored, now);
    // Its text changed since it was built (a supersede or a tag edit is not lost by the undo, it stays with it).
    const edited = store.history(id).some((e) => e.op === "update" && e.hashBefore !== null && e.hashBefore !== e.hashAfter);
    const already = memory.status === "archived" && restored.length === 0;
    const missing = sources.filter((sid) => purged.includes(sid) || (!already && notArchived.includes(sid)));
    if (memory.status !== "archived") {
      store.replace({ ...memory, status: "archived", updatedAt: now });
      store.appendAudit({ at: now, actor: ctx.actor, op: "forget", memoryId: id, hashBefore: memory.contentHash, hashAfter: memory.contentHash, contentBefore: null, detail: { reason: "consolidation undone", statusBefore: memory.status } });
    }
    return { id, restored, missing, already, ...(successor ? { supersededBy: successor } : {}), ...(edited ? { edited: true as const } : {}) };
  });
}
