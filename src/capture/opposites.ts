/**
 * @module Opposite states named in plain words: "enabled" → "disabled", "mandatory" → "optional", "fine" →
 * "forbidden", "includes" → "excluded", "automatic" → "by hand", "agreed to" → "rejected", "is done" → "still
 * running". Two statements about one subject that put it in opposite states contradict each other, though
 * they share no negation for the polarity rule of change-rules.ts to see. A word governed by a negation ("no
 * manual steps") does not count: it says the same as its opposite.
 */

/** Pairs of opposite poles, each an alternation of phrases (matched as whole words, case-insensitive). */
const POLES: ReadonlyArray<readonly [string, string]> = [
  ["enabled|enable|(?:is|are|was|were|stays?|turned|switched|defaults? to) on|on by default", "disabled|disable|(?:is|are|was|were|stays?|turned|switched|defaults? to) off|off by default"],
  ["mandatory|required|compulsory|enforced", "optional|voluntary"],
  ["allowed|permitted|fine|ok|okay", "forbidden|banned|prohibited|disallowed"],
  ["included|includes|include", "excluded|excludes|exclude|omitted|left out"],
  ["automatic|automatically|auto", "manual|manually|by hand"],
  ["supported|supports", "unsupported"],
  ["online", "offline"],
  ["synchronous|synchronously", "asynchronous|asynchronously|async"],
  ["agreed|approved|accepted|decided", "rejected|reversed|abandoned|shelved|vetoed|cancel+ed"],
  ["done|complete|completed|finished|shut down|removed", "still|rolled back|reverted|is back|are back"],
  ["real-time|realtime|streaming", "batch|nightly"],
];

const compiled = POLES.map(([a, b]) => [new RegExp(`\\b(?:${a})\\b`, "gi"), new RegExp(`\\b(?:${b})\\b`, "gi")] as const);

/** A negation just before a word: "no manual steps", "not optional", "never disabled". */
const NEGATED_BEFORE = /\b(?:no|not|never|without|isn't|aren't|wasn't|weren't|n't)\s+(?:\w+\s+)?$/i;

/** Whether `re` matches `text` somewhere a negation does not govern. */
function says(re: RegExp, text: string): boolean {
  for (const m of text.matchAll(re)) if (!NEGATED_BEFORE.test(text.slice(Math.max(0, m.index - 24), m.index))) return true;
  return false;
}

/** Whether `next` puts something in the state opposite to one `prev` names (and `prev` does not name both). */
export function opposite(prev: string, next: string): boolean {
  return compiled.some(
    ([a, b]) => (says(a, prev) && says(b, next) && !says(b, prev)) || (says(b, prev) && says(a, next) && !says(a, prev)),
  );
}
