/**
 * @module How a new statement relates to an older one about the same subject, without a model: nearly the
 * same words (duplicate), a change of what the older one says (update: "we moved deploys from Heroku to
 * Fly.io"), a disagreement (conflict: "port 8080" / "port 9090", "always" / "never"), or nothing to act on
 * (an addition, another subject). Near-copies by word overlap here; changes by structure in
 * change-rules.ts, measured on blind labelled pairs (bench/lifecycle.ts).
 */
import { STOPWORDS } from "../retrieve/stopwords.ts";
import { findTimeSpans } from "../retrieve/time-expr.ts";
import { addsTo, CHANGE, type Comparison, changeOf, oneSaysMore, sameWords, swappedRoles } from "./change-rules.ts";
import { oneNarrows } from "./narrows.ts";
import { hasOtherNegation } from "./negation-words.ts";

export type { Comparison, Relation } from "./change-rules.ts";

const NEGATION = /\b(never|not|no|don'?t|doesn'?t|avoid|stop|without)\b/i;
/** A negation in English or another language ("nicht", "ne … pas", "não"): a near-copy never flips one. */
const negates = (text: string) => NEGATION.test(text) || hasOtherNegation(text);
const WORD = /[\p{L}\p{N}][\p{L}\p{N}._/:-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;

/** Share of distinctive words two statements must have in common to be about the same subject. */
export const SAME_SUBJECT = 0.25;
/** Word overlap above which two statements with nothing changed say the same thing. */
export const SAME_STATEMENT = 0.85;

interface Words {
  all: Set<string>;
  /** Tokens holding a digit: versions, sizes, ports, hosts like db-stg-2. */
  values: Set<string>;
}

function words(text: string): Words {
  const all = new Set<string>();
  const values = new Set<string>();
  for (const raw of text.toLowerCase().match(WORD) ?? []) {
    const w = raw.replace(/[.:]+$/, "");
    if (w.length < 2 && !/\d/.test(w)) continue;
    if (STOPWORDS.has(w)) continue;
    (/\d/.test(w) ? values : all).add(w);
  }
  return { all, values };
}

function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): { shared: number; jaccard: number } {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  const union = a.size + b.size - shared;
  return { shared, jaccard: union === 0 ? 0 : shared / union };
}

/** Every distinctive word of a statement (values included): what {@link compareStatements} overlaps. */
export function statementWords(text: string): Set<string> {
  const w = words(text);
  return new Set([...w.all, ...w.values]);
}

/**
 * Short words the distinctive-word overlap leaves out but that change what a statement says when the other
 * one holds the opposite: an order or a direction ("before" / "after" the swap, "more" / "less").
 */
const OPPOSITE_SMALL: ReadonlyArray<readonly [string, string]> = [
  ["before", "after"], ["above", "below"], ["over", "under"], ["up", "down"], ["in", "out"], ["on", "off"],
  ["more", "less"], ["most", "least"], ["first", "last"], ["earlier", "later"], ["higher", "lower"], ["min", "max"],
];
/** Pieces a tokenizer leaves of contractions and possessives ("it's", "doesn't", "we'd", "I'm"). */
const CLITICS = new Set(["a", "i", "s", "t", "d", "m"]);

/**
 * Whether the two statements differ in a small word the distinctive-word overlap leaves out: one holds a word
 * of {@link OPPOSITE_SMALL} and the other its opposite, or one holds a single letter or digit the other lacks
 * (a one-letter name: "Service A runbook" / "Service C runbook").
 */
export function smallWordsDiffer(prev: string, next: string): boolean {
  const tokens = (t: string) => new Set(t.toLowerCase().match(WORD) ?? []);
  const [a, b] = [tokens(prev), tokens(next)];
  const only = (w: string, x: ReadonlySet<string>, y: ReadonlySet<string>) => x.has(w) && !y.has(w);
  if (OPPOSITE_SMALL.some(([u, v]) => (only(u, a, b) && only(v, b, a)) || (only(v, a, b) && only(u, b, a)))) return true;
  const letter = (w: string, other: ReadonlySet<string>) => w.length === 1 && !CLITICS.has(w) && !other.has(w);
  return [...a].some((w) => letter(w, b)) || [...b].some((w) => letter(w, a));
}

/**
 * Whether one statement names what the other does not: an acronym, a camel-cased or capitalised word past the
 * first ("… at midnight UTC" after "… at midnight": merged as the same, the time zone was lost, QA).
 */
function namesDiffer(prev: string, next: string): boolean {
  const names = (t: string) => new Set((t.match(/(?<=\S\s+)[\p{Lu}][\p{L}\p{N}]*|\b\p{Lu}{2,}\b|\b\p{Ll}+\p{Lu}[\p{L}\p{N}]*/gu) ?? []).map((n) => n.toLowerCase()));
  const lower = (t: string) => t.toLowerCase();
  const missing = (from: string, to: string) => [...names(from)].some((n) => !new RegExp(`\\b${n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "u").test(lower(to)));
  return missing(next, prev) || missing(prev, next);
}

/** Relates `next` (being written) to `prev` (an active memory in the same scope). */
export function compareStatements(prev: string, next: string): Comparison {
  const a = words(prev);
  const b = words(next);
  const allA = new Set([...a.all, ...a.values]);
  const allB = new Set([...b.all, ...b.values]);
  const total = overlap(allA, allB);
  const changedValue = a.values.size > 0 && b.values.size > 0 && overlap(a.values, b.values).shared < Math.max(a.values.size, b.values.size);
  const cue = CHANGE.test(next) && !CHANGE.test(prev);
  const flipped = negates(prev) !== negates(next);
  if (!changedValue && !flipped && !cue && !addsTo(prev, next) && total.jaccard >= SAME_STATEMENT && !smallWordsDiffer(prev, next) && !namesDiffer(prev, next) && !oneSaysMore(prev, next) && !swappedRoles(prev, next)) return { relation: "duplicate", reason: "says the same thing", confident: false };
  return changeOf(prev, next);
}

/**
 * `next` says what `prev` says: nearly the same words with nothing changed, or the same meaning in other
 * words (change-rules.ts sameMeaning). A new memory that does is not stored: the older one is reinforced
 * (engine/remember.ts). `compared`: {@link compareStatements} of the pair, when the caller has it already.
 */
export function saysTheSame(prev: string, next: string, compared?: Comparison): boolean {
  // A statement that says when ("Yesterday I went to a pottery workshop") tells of one occasion: the same
  // words about another day are another memory.
  if (findTimeSpans(prev, 0).length > 0 || findTimeSpans(next, 0).length > 0) return false;
  // One says not in another language, the other does not: never the same, wherever the word stands (QA: a
  // sentence-final German "nicht" or Dutch "niet" governs no word after it, so the negated statement was merged
  // into its opposite). English paraphrases of a rule ("never commit secrets" / "secrets stay out of git") pass.
  if (hasOtherNegation(prev) !== hasOtherNegation(next)) return false;
  // Not a near-copy, the comparison is changeOf's: "none" is sameMeaning's condition on it.
  const { relation } = compared ?? compareStatements(prev, next);
  const same = relation === "duplicate" || (relation === "none" && sameWords(prev, next) && !smallWordsDiffer(prev, next));
  // One that holds all the other's words and a condition besides ("… read-only at night") narrows it (QA).
  return same && !oneNarrows(prev, next);
}
