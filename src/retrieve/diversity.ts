/**
 * @module Diversity: near-identical memories (the same note captured twice with a word changed, a repeated
 * error message) should not fill the top of a result list. Walking the ranking best first, a memory whose
 * words mostly repeat one already kept (Jaccard similarity of word sets ≥ {@link NEAR_DUPLICATE}) is moved
 * behind every distinct memory, so it stays reachable but costs no slot in the top-k. A hard threshold rather
 * than MMR's graded penalty: measured on LoCoMo, penalising similar-but-distinct results (even by session)
 * cost recall, while near-copies carry nothing new.
 */
import type { FusedHit } from "./fusion.ts";

/** Word-set overlap above which two memories say the same thing. */
export const NEAR_DUPLICATE = 0.8;
/** Only the start of long memories is compared: enough to tell copies apart, bounded in cost. */
const COMPARED_CHARS = 2000;
const WORD = /[\p{L}\p{N}]+/gu;

export interface Demoted {
  /** The id of the better-ranked memory this one nearly repeats. */
  duplicateOf: string;
}

/**
 * Reorders `hits` so the first `depth` hold no two near-duplicates (when enough distinct ones exist).
 * Returns the new order and, for each demoted memory, which kept memory it repeats (for --explain).
 */
export function demoteNearDuplicates(hits: readonly FusedHit[], depth: number): { hits: FusedHit[]; demoted: Map<string, Demoted> } {
  const kept: Array<{ hit: FusedHit; words: Set<string> }> = [];
  const later: FusedHit[] = [];
  const demoted = new Map<string, Demoted>();
  let i = 0;
  for (; i < hits.length && kept.length < depth; i++) {
    const hit = hits[i]!;
    const words = wordSet(hit.memory.content);
    const twin = kept.find((k) => jaccard(words, k.words) >= NEAR_DUPLICATE && !otherNumber(words, k.words));
    if (twin) {
      demoted.set(hit.memory.id, { duplicateOf: twin.hit.memory.id });
      later.push(hit);
    } else {
      kept.push({ hit, words });
    }
  }
  return { hits: [...kept.map((k) => k.hit), ...hits.slice(i), ...later], demoted };
}

/**
 * Whether one holds a number the other lacks: "Python 3.11 is required …" and "Python 3.12 is required …" are
 * two values, not a copy (QA: the older one was moved behind unrelated results).
 */
function otherNumber(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const w of a) if (/\d/.test(w) && !b.has(w)) return true;
  for (const w of b) if (/\d/.test(w) && !a.has(w)) return true;
  return false;
}

function wordSet(text: string): Set<string> {
  return new Set(text.slice(0, COMPARED_CHARS).toLowerCase().match(WORD) ?? []);
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  // Sizes alone can rule a pair out: |A∩B| ≤ min, |A∪B| ≥ max.
  if (small.size / large.size < NEAR_DUPLICATE) return small.size / large.size;
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}
