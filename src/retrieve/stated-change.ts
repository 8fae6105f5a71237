/**
 * @module A newer standing statement that changes or contradicts an older one by the write-time rules
 * (capture/change-rules.ts: a changed quantity, a flipped rule, the same subject slot with another value, a
 * stated change), for recall's current-first order. Recall pairs whatever it found, so the bar is higher
 * than on write: the two must also share two content words (one shared word and a cue is enough to flag
 * a pair the writer put side by side, not to reorder results). Session notes (conversation turns) are left
 * out, as on write: "I moved to Berlin" in a chat is not a project fact replacing another.
 */
import { ALREADY_SAID, ANOTHER_SUBJECT, CHANGES_ANOTHER_THING, changeOf, reportedOnly, SWAPS_OTHER_THING, UNSTATED } from "../capture/change-rules.ts";
import { sharedStems, statementParts } from "../capture/statement-parts.ts";
import type { Memory } from "../domain/memory.ts";
import { isStanding } from "../domain/standing.ts";

const MIN_SHARED = 2;

/**
 * What the rules say of a change the newer statement speaks of: it is not one of the older statement (it replaced
 * another thing, it gives another thing's value, it already holds what the older one says, or it is a question or a
 * proposal), whatever change word it holds.
 */
const NOT_OF_IT = new Set([SWAPS_OTHER_THING, CHANGES_ANOTHER_THING, ANOTHER_SUBJECT, ALREADY_SAID, UNSTATED]);

/**
 * Whether `newer` changes or contradicts `older` by the write-time rules (true), the rules find that the change
 * it speaks of is not one of `older` (false), or neither (undefined: a caller may weigh a change word alone). A
 * loose signal (a negation or a value in a frame the two barely share) counts only where `newer` shares at
 * least `minLooseOverlap` of `older`'s content words; one the writer is only told of ("says the opposite") never.
 */
export function statesChange(newer: Memory, older: Memory, minLooseOverlap = 0): boolean | undefined {
  if (!isStanding(newer) || !isStanding(older)) return undefined;
  // The cheap test first: recall asks this of up to ~300 candidate pairs, and the rules cost far more.
  if (sharedStems(statementParts(older.content).stems, statementParts(newer.content).stems).length < MIN_SHARED) return undefined;
  const c = changeOf(older.content, newer.content);
  if (NOT_OF_IT.has(c.reason)) return false;
  return c.relation !== "none" && !reportedOnly(c.reason) && (c.looseOverlap === undefined || c.looseOverlap >= minLooseOverlap) ? true : undefined;
}
