/** @module Typed links between memories: relate two memories, and read a memory's links back. */
import { type Edge, isRelation, POSSIBLE_CHANGE, RELATIONS, type Relation } from "../domain/edge.ts";
import { cairnError } from "../errors.ts";
import type { EngineContext } from "./context.ts";
import { resolveId } from "./ids.ts";
import { assertNotHeld } from "./holds.ts";

export interface RelateResult {
  from: string;
  to: string;
  relation: Relation;
  /** "exists" when the same link was already there (relating is idempotent). */
  status: "created" | "exists";
  /** True when a `supersedes` link retired the target just now. */
  superseded: boolean;
}

export interface Link {
  relation: Relation;
  /** "out": this memory → other; "in": other → this memory. */
  direction: "out" | "in";
  id: string;
  /** A possible conflict remember noted and nobody settled (domain/edge.ts POSSIBLE_CHANGE): a hint, not a fact. */
  possible?: true;
}

export function checkRelation(value: string): Relation {
  const relation = value.trim().toLowerCase().replace(/[\s-]+/g, "_");
  if (!isRelation(relation)) throw cairnError("BAD_RELATION", [value, RELATIONS.join(", ")]);
  return relation;
}

/**
 * Links `from` to `to`. A `supersedes` link also retires the target (status superseded, pointing at its
 * replacement) so recall stops returning the outdated memory; `cairn restore` brings it back.
 */
export function relate(ctx: EngineContext, fromRef: string, toRef: string, relationRaw: string): RelateResult {
  const relation = checkRelation(relationRaw);
  return ctx.store.transaction(() => {
    const from = resolveId(ctx.store, fromRef);
    const to = resolveId(ctx.store, toRef);
    if (from === to) throw cairnError("SELF_LINK", [from]);
    const now = ctx.now();
    const edge: Edge = { fromId: from, toId: to, relation, weight: 1, createdAt: now, metadata: {} };
    const created = ctx.store.addEdge(edge);
    if (created) {
      ctx.store.appendAudit({
        at: now,
        actor: ctx.actor,
        op: "link",
        memoryId: from,
        hashBefore: null,
        hashAfter: null,
        contentBefore: null,
        detail: { relation, to },
      });
    }
    let superseded = false;
    const target = ctx.store.get(to)!;
    if (relation === "supersedes" && target.status === "active") {
      assertNotHeld(ctx, target, "superseded");
      ctx.store.replace({ ...target, status: "superseded", supersededBy: from, updatedAt: now });
      ctx.store.appendAudit({
        at: now,
        actor: ctx.actor,
        op: "update",
        memoryId: to,
        hashBefore: target.contentHash,
        hashAfter: target.contentHash,
        contentBefore: null,
        detail: { changed: ["status"], before: { status: target.status }, superseded_by: from },
      });
      superseded = true;
    }
    return { from, to, relation, status: created ? "created" : "exists", superseded };
  });
}

/** The links of one memory, each seen from that memory's side. */
export function links(ctx: EngineContext, id: string): Link[] {
  return ctx.store.edges(id).map((e): Link => ({
    relation: e.relation,
    ...(e.fromId === id ? { direction: "out", id: e.toId } : { direction: "in", id: e.fromId }),
    ...(e.metadata[POSSIBLE_CHANGE] === true ? { possible: true } : {}),
  }));
}
