/**
 * @module Whether an older memory holds a rule a change leaves alone: "Deploys go to Heroku; always run the
 * smoke tests after every deploy" → "We moved deploys from Heroku to Fly.io" changes the first, not the second.
 * Superseding it would retire the smoke-test rule too (QA: recall then found no current memory of it), so such a
 * change is flagged, never superseded on its own (engine/related-on-write.ts). partial-change.ts does the same
 * for two things joined inside one statement.
 */
import { statementParts } from "./statement-parts.ts";

/** Sentence ends, semicolons and line breaks: where one statement of a memory ends and another begins. */
const STATEMENT_END = /(?<=[.!?])\s+|;\s*|\n+/;

/** A rule: what to always or never do ("always run the smoke tests …", "never run npm install"). */
const RULE = /\b(always|never|must|mustn't|should|shouldn't|don't|do not|make sure|avoid)\b/i;

/** Content words a statement must hold that the change does not, to be one the change leaves alone. */
const OWN_WORDS = 3;

/**
 * Whether `prev` holds two or more statements and one of them is a rule not about what `next` says: most of its
 * content words (three in four, and at least {@link OWN_WORDS}) are words `next` does not hold. Only a rule: with
 * any such statement, 3 of current-k's 10 stale memories superseded on write were only flagged, and a current
 * answer fell below the stale one (0.774 → 0.758); with rules only, one of current-a's 9 (rankings unchanged).
 */
export function leavesPartAlone(prev: string, next: string): boolean {
  const parts = prev.split(STATEMENT_END).map((s) => s.trim()).filter((s) => statementParts(s).stems.size > 0);
  if (parts.length < 2) return false;
  const said = statementParts(next).stems;
  return parts.some((s) => {
    if (!RULE.test(s)) return false;
    const own = [...statementParts(s).stems].filter((w) => !said.has(w)).length;
    return own >= OWN_WORDS && own * 4 >= statementParts(s).stems.size * 3;
  });
}
