/**
 * @module A newer standing statement that changes or contradicts an older one by the write-time rules
 * (capture/change-rules.ts: a changed quantity, a flipped rule, the same subject slot with another value, a
 * stated change), for recall's current-first order. Recall pairs whatever it found, so the bar is higher
 * than on write: the two must also share two content words (one shared word and a cue is enough to flag
 * a pair the writer put side by side, not to reorder results). Session notes (conversation turns) are left
 * out, as on write: "I moved to Berlin" in a chat is not a project fact replacing another.
 */
import { changeOf } from "../capture/change-rules.ts";
import { sharedStems, statementParts } from "../capture/statement-parts.ts";
import type { Memory } from "../domain/memory.ts";
import { isStanding } from "../domain/standing.ts";

const MIN_SHARED = 2;

/**
 * Whether `newer` changes or contradicts `older` by the write-time rules; a loose signal (a negation or a
 * value in a frame the two barely share) only where `newer` shares at least `minLooseOverlap` of `older`'s
 * content words.
 */
export function statesChange(newer: Memory, older: Memory, minLooseOverlap = 0): boolean {
  if (!isStanding(newer) || !isStanding(older)) return false;
  // The cheap test first: recall asks this of up to ~300 candidate pairs, and the rules cost far more.
  if (sharedStems(statementParts(older.content).stems, statementParts(newer.content).stems).length < MIN_SHARED) return false;
  const c = changeOf(older.content, newer.content);
  return c.relation !== "none" && (c.looseOverlap === undefined || c.looseOverlap >= minLooseOverlap);
}
