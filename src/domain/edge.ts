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

/**
 * The metadata key of a link written on its own by `remember` for a possible conflict it reported and did not
 * settle (a `contradicts` link from the later statement to the earlier one): a hint, not a fact.
 */
export const POSSIBLE_CHANGE = "possible";

/** A directed, typed link from one memory to another. */
export interface Edge {
  fromId: string;
  toId: string;
  relation: Relation;
  weight: number;
  createdAt: number;
  metadata: Record<string, unknown>;
}
