/** @module Typed links between memories: relate two memories, and read a memory's links back. */
import { conflictState, type Edge, isRelation, linkState, mergeLinkMetadata, POSSIBLE_CHANGE, RELATIONS, type Relation, SETTLED, type Settlement } from "../domain/edge.ts";
import { cairnError } from "../errors.ts";
import type { EngineContext } from "./context.ts";
import { resolveId, shortId } from "./ids.ts";
import { assertNotHeld } from "./holds.ts";
import { undoSupersedes } from "./successor-gone.ts";

export interface RelateResult {
  from: string;
  to: string;
  relation: Relation;
  /** "exists" when the same link was already there (relating is idempotent). */
  status: "created" | "exists";
  /** True when a `supersedes` link retired the target just now. */
  superseded: boolean;
  /**
   * How the possible conflict remember noted between the two stands after this call, when there is one:
   * `contradicts` confirms it ("conflict"), `--dismiss` dismisses it ("not_conflict").
   */
  settled?: Settlement;
  /** The possible conflict was settled that way already: nothing changed. */
  alreadySettled?: true;
}

export interface Link {
  relation: Relation;
  /** "out": this memory → other; "in": other → this memory. */
  direction: "out" | "in";
  id: string;
  /** A possible conflict remember noted and nobody settled (domain/edge.ts POSSIBLE_CHANGE): a hint, not a fact. */
  possible?: true;
  /** A possible conflict remember noted, settled: confirmed ("conflict") or dismissed ("not_conflict"). */
  settled?: Settlement;
  /** A `supersedes` link whose retirement was undone (domain/edge.ts UNDONE): history, it retires nothing. */
  undone?: true;
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
export function relate(ctx: EngineContext, fromRef: string, toRef: string, relationRaw: string, opts: { dismiss?: boolean } = {}): RelateResult {
  const relation = checkRelation(relationRaw);
  if (opts.dismiss && relation !== "contradicts") throw cairnError("DISMISS_RELATION", [relation]);
  return ctx.store.transaction(() => {
    const from = resolveId(ctx.store, fromRef);
    const to = resolveId(ctx.store, toRef);
    if (from === to) throw cairnError("SELF_LINK", [from]);
    const now = ctx.now();
    if (opts.dismiss) return dismiss(ctx, from, to, now);
    // Only what is current replaces: an archived or superseded memory would retire the target and leave nothing
    // current (a cycle of two `supersedes` links hid both).
    const source = ctx.store.get(from)!;
    if (relation === "supersedes" && source.status !== "active") throw cairnError("SUPERSEDER_NOT_ACTIVE", [shortId(ctx.store, from), source.status]);
    // Superseded, a reminder left every list and briefing unsaid (QA): its own commands close it.
    if (relation === "supersedes" && ctx.store.get(to)!.type === "reminder") throw cairnError("REMINDER_NOT_SUPERSEDED", [shortId(ctx.store, to)]);
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
    // Said the other way round, the older link no longer retires (a cycle flipped which one was current at each restore).
    if (relation === "supersedes") undoSupersedes(ctx, from, now, to);
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
    // Saying they contradict each other, or that one supersedes the other, confirms a possible conflict noted
    // between them, either way round (QA: after `relate … supersedes` the graph still showed it unsettled).
    const noted = relation === "contradicts" || relation === "supersedes" ? notedConflicts(ctx, from, to) : [];
    for (const e of noted) settle(ctx, e, "conflict", now);
    return { from, to, relation, status: created ? "created" : "exists", superseded, ...(noted.length > 0 ? { settled: "conflict" as const } : {}) };
  });
}

/**
 * Dismisses the possible conflict remember noted between `a` and `b`: both memories stay as they are, recall
 * stops putting the later one ahead of the earlier, and `get` and `graph` show the link as dismissed. A
 * confirmed conflict is not dismissed (team sync keeps a confirmation over a dismissal).
 */
function dismiss(ctx: EngineContext, a: string, b: string, now: number): RelateResult {
  const noted = notedConflicts(ctx, a, b);
  if (noted.length === 0) throw cairnError("NO_POSSIBLE_CONFLICT", [a, b]);
  if (noted.some((e) => conflictState(e.metadata) === "conflict")) throw cairnError("CONFLICT_CONFIRMED", [a, b]);
  const already = noted.every((e) => conflictState(e.metadata) === "not_conflict");
  for (const e of noted) settle(ctx, e, "not_conflict", now);
  return { from: a, to: b, relation: "contradicts", status: "exists", superseded: false, settled: "not_conflict", ...(already ? { alreadySettled: true as const } : {}) };
}

/** The `contradicts` links between `a` and `b`, either direction, that remember wrote for a possible conflict. */
function notedConflicts(ctx: EngineContext, a: string, b: string): Edge[] {
  return ctx.store
    .edges(a)
    .filter((e) => e.relation === "contradicts" && (e.fromId === b || e.toId === b) && conflictState(e.metadata) !== "none");
}

/**
 * Settles the noted conflict `e` as `as` (kept as it is when already settled that way, or confirmed), with an
 * audit entry (`detail` adds to it, e.g. that an import brought the settlement).
 */
export function settle(ctx: EngineContext, e: Edge, as: Settlement, now: number, detail: Record<string, unknown> = {}): void {
  const metadata = mergeLinkMetadata(e.metadata, { [POSSIBLE_CHANGE]: true, [SETTLED]: as });
  if (conflictState(metadata) === conflictState(e.metadata)) return;
  ctx.store.setEdgeMetadata({ ...e, metadata });
  ctx.store.appendAudit({
    at: now,
    actor: ctx.actor,
    op: "link",
    memoryId: e.fromId,
    hashBefore: null,
    hashAfter: null,
    contentBefore: null,
    detail: { relation: e.relation, to: e.toId, settled: as, ...detail },
  });
}

/** The links of one memory, each seen from that memory's side. */
export function links(ctx: EngineContext, id: string): Link[] {
  return ctx.store.edges(id).map((e): Link => ({
    relation: e.relation,
    ...(e.fromId === id ? { direction: "out", id: e.toId } : { direction: "in", id: e.fromId }),
    ...linkState(e.metadata),
  }));
}
