/**
 * @module How a new statement relates to an older one about the same subject, without a model: nearly the
 * same words (duplicate), a change of what the older one says (update: "we moved deploys from Heroku to
 * Fly.io"), a disagreement (conflict: "port 8080" / "port 9090", "always" / "never"), or nothing to act on
 * (an addition, another subject). Word sets, changed values (numbers, versions, hosts) and change cues
 * decide; measured on blind labelled pairs (bench/lifecycle.ts): they catch about a fifth of real changes.
 */
import { STOPWORDS } from "../retrieve/stopwords.ts";

export type Relation = "duplicate" | "update" | "conflict" | "none";

export interface Comparison {
  relation: Relation;
  /** Why, in a few words (shown by `--json` and MCP with a conflict). */
  reason: string;
}

/** Words announcing that the new statement replaces what was true before. */
const CHANGE =
  /\b(switched|switching|migrated|moved (to|from|off|over|away)|replaced|changed (to|from)|upgraded|downgraded|deprecated|renamed|superseded|no longer|from now on|not anymore|anymore)\b/i;
/** Words announcing something added next to what was said, not instead of it. */
const ADDITION = /\b(also|additionally|as well|too|in addition|another|besides|plus)\b/i;
const NEGATION = /\b(never|not|no|don'?t|doesn'?t|avoid|stop|without)\b/i;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}._/:-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;

/** Share of distinctive words two statements must have in common to be about the same subject. */
export const SAME_SUBJECT = 0.25;
/** Word overlap above which two statements with nothing changed say the same thing. */
export const SAME_STATEMENT = 0.85;
/** Word overlap a statement with a change cue needs before it supersedes the older one on its own. */
export const SAME_CHANGE = 0.3;
/** Overlap of the words around a changed value for "only the value changed" to count as a conflict. */
export const SAME_FRAME = 0.5;

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

/** Relates `next` (being written) to `prev` (an active memory in the same scope). */
export function compareStatements(prev: string, next: string): Comparison {
  const a = words(prev);
  const b = words(next);
  const frame = overlap(a.all, b.all);
  const values = overlap(a.values, b.values);
  const allA = new Set([...a.all, ...a.values]);
  const allB = new Set([...b.all, ...b.values]);
  const total = overlap(allA, allB);
  if (total.shared < 2 || total.jaccard < SAME_SUBJECT) return { relation: "none", reason: "another subject" };
  const changedValue = a.values.size > 0 && b.values.size > 0 && values.shared < Math.max(a.values.size, b.values.size);
  const cue = CHANGE.test(next) && !CHANGE.test(prev);
  const added = ADDITION.test(next) && !ADDITION.test(prev);
  const flipped = NEGATION.test(prev) !== NEGATION.test(next);
  if (cue && !added && total.jaccard >= SAME_CHANGE) return { relation: "update", reason: "states a change to it" };
  // Another value in the same sentence may be an update ("Node 18" → "Node 20") or a second fact ("port 80
  // for http" / "port 443 for https"): asked about, never decided alone.
  if (changedValue && frame.jaccard >= SAME_FRAME && !added) return { relation: "conflict", reason: "the same statement with another value" };
  if (!changedValue && !flipped && !cue && total.jaccard >= SAME_STATEMENT) return { relation: "duplicate", reason: "says the same thing" };
  if (added) return { relation: "none", reason: "adds to it" };
  if (flipped || changedValue) return { relation: "conflict", reason: flipped ? "says the opposite" : "states another value" };
  return { relation: "none", reason: "related" };
}
