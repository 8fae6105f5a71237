/** @module Typed links between memories: the relations cairn knows and the edge record. */

/**
 * The relation vocabulary. A closed set, so agents link memories the same way and queries over the
 * graph can rely on the names. Read each as "from RELATION to", e.g. "fix fixes error".
 */
export const RELATIONS = [
  "relates_to",
  "supersedes",
  "fixes",
  "caused_by",
  "depends_on",
  "contradicts",
  "refines",
  "part_of",
] as const;
export type Relation = (typeof RELATIONS)[number];

export function isRelation(value: string): value is Relation {
  return (RELATIONS as readonly string[]).includes(value);
}

/** Another tool's name of a relation as cairn spells relations: `dependsOn`, `depends-on`, `Depends on` → `depends_on`. */
export function relationName(text: string): string {
  return text.trim().replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, "$1_$2").toLowerCase().replace(/[\s-]+/g, "_");
}

/**
 * The metadata key of a link written on its own by `remember` for a possible conflict it reported and did not
 * settle (a `contradicts` link from the later statement to the earlier one): a hint, not a fact.
 */
export const POSSIBLE_CHANGE = "possible";

/**
 * The metadata key saying how a possible conflict was settled: "conflict" (confirmed, `relate … contradicts`)
 * or "not_conflict" (dismissed, `relate … contradicts --dismiss`). Unsettled while absent.
 */
export const SETTLED = "settled";
export type Settlement = "conflict" | "not_conflict";

/**
 * The metadata key of a `supersedes` link whose retirement was undone (the replaced memory restored while its
 * successor stood, or a later link the other way): the link stays as history, and restoring the successor no
 * longer retires the memory again. Grow-only, as team sync merges it: a `relate … supersedes` of the same pair
 * retires the memory again but leaves the mark.
 */
export const UNDONE = "undone";

/** Where a link stands as a possible conflict: not one, open, or settled one way. */
export function conflictState(metadata: Record<string, unknown>): "none" | "open" | Settlement {
  if (metadata[POSSIBLE_CHANGE] !== true) return "none";
  const s = metadata[SETTLED];
  return s === "conflict" || s === "not_conflict" ? s : "open";
}

/** How a link stands: a conflict noted on write (`possible`, or `settled`), a supersede undone ({@link UNDONE}). */
export interface LinkState {
  possible?: true;
  settled?: Settlement;
  undone?: true;
}

/** `possible` for an open conflict noted on write, `settled` for one settled, `undone` for an undone supersede. */
export function linkState(metadata: Record<string, unknown>): LinkState {
  const state = conflictState(metadata);
  const undone = metadata[UNDONE] !== undefined ? { undone: true as const } : {};
  return state === "open" ? { possible: true, ...undone } : state === "none" ? undone : { settled: state, ...undone };
}

/**
 * The metadata two copies of one link agree on (team sync: links are a union, and their settlement a
 * grow-only state): settled beats open, and a confirmed conflict beats a dismissed one, so every device ends
 * with the same whatever the order things arrive in.
 */
export function mergeLinkMetadata(local: Record<string, unknown>, remote: Record<string, unknown>): Record<string, unknown> {
  const rank = (m: Record<string, unknown>) => ({ none: 0, open: 0, not_conflict: 1, conflict: 2 })[conflictState(m)];
  const settled = rank(remote) > rank(local) ? { ...local, [POSSIBLE_CHANGE]: true, [SETTLED]: remote[SETTLED] } : local;
  // An undone supersede is undone everywhere (grow-only too: the devices end alike whatever the order).
  return remote[UNDONE] !== undefined && settled[UNDONE] === undefined ? { ...settled, [UNDONE]: remote[UNDONE] } : settled;
}

/** The link from `from` to `to` of `relation` among `edges` (a store's edges of either end), if there is one. */
export function linkAmong(edges: readonly Edge[], from: string, to: string, relation: string): Edge | undefined {
  return edges.find((e) => e.fromId === from && e.toId === to && e.relation === relation);
}

/** A directed, typed link from one memory to another. */
export interface Edge {
  fromId: string;
  toId: string;
  relation: Relation;
  weight: number;
  createdAt: number;
  metadata: Record<string, unknown>;
}
