/**
 * @module A statement that holds every word of another and narrows it with a condition: a time or place
 * ("The staging database is read-only at night" after "… is read-only", "… the default theme on mobile",
 * "… slow in production") or a part of its subject ("The worker deploys go to Heroku" after "Deploys go to
 * Heroku"). Not the same thing in other words: the narrower statement says something the other does not (QA:
 * each was merged into the unconditional memory as a rewording, and through the prompt hook the condition was
 * lost without a word). Only these shapes count: words added elsewhere ("Use pnpm for installs" / "Use pnpm")
 * were as often a rewording on the blind pairs, which this leaves to the rewording rules.
 */
import { porterStem, stemSet } from "../text/porter.ts";
import { hasLike, statementParts } from "./statement-parts.ts";

/** Words that add no condition to what a statement says: "We now deploy to Fly.io" says "We deploy to Fly.io". */
const FILLER = stemSet("always now currently really just still actually definitely please here".split(" "));

/** Words opening a condition: when, where, under what or for whom a statement holds. */
const CONDITION = /^(at|on|in|under|during|when|whenever|while|if|unless|except|outside|inside|within|over|across|after|before|until|between|through|throughout)$/;

const WORD = /[\p{L}\p{N}][\p{L}\p{N}._/:@#~+'-]*/gu;

/**
 * Whether one of the two statements holds every content word of the other (by stem) and adds words of its own
 * that are each a condition (inside a phrase opened by a word of {@link CONDITION}, before any shared word comes
 * back) or part of its subject (before the verb linking it to its value, when both statements have one).
 */
export function oneNarrows(prev: string, next: string): boolean {
  return narrows(next, prev) || narrows(prev, next);
}

/** Whether `wide` says what `narrow` says with only conditions added. */
function narrows(narrow: string, wide: string): boolean {
  const [n, w] = [statementParts(narrow), statementParts(wide)];
  if (![...w.stems].every((s) => n.stems.has(s))) return false;
  const added = new Set([...n.stems].filter((s) => !FILLER.has(s) && !hasLike(w.stems, s)));
  if (added.size === 0) return false;
  // A word added to the subject counts where it names which of the subject it is: right before a word both hold.
  const tokens = [...narrow.matchAll(WORD)].map(([raw]) => raw.toLowerCase());
  const stemsOf = (t: string) => [porterStem(t), ...t.split(/[._/:@#~+-]+/).map((p) => porterStem(p))];
  const modifier = (i: number) => w.subject.size > 0 && stemsOf(tokens[i]!).some((s) => n.subject.has(s)) && stemsOf(tokens[i + 1] ?? "").some((s) => w.subject.has(s));
  let condition = false;
  for (const [i, lower] of tokens.entries()) {
    if (CONDITION.test(lower)) {
      condition = true;
      continue;
    }
    const stems = stemsOf(lower);
    if (stems.some((s) => w.stems.has(s))) condition = false;
    else if (stems.some((s) => added.has(s)) && !condition && !modifier(i)) return false;
  }
  return true;
}
