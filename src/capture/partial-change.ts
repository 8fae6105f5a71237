/**
 * @module A change of one of two things an older statement holds together: "We use Jest for unit tests and
 * Cypress for end-to-end tests" → "We switched unit tests from Jest to Vitest", "The API and the worker both
 * run on Node 18" → "We moved the worker to Node 20". The older statement stays partly true, so the change is
 * flagged, never superseded on its own (QA: the whole note was retired and recall lost Cypress).
 */
import { UNIT_STEMS } from "./quantities.ts";
import { statementParts } from "./statement-parts.ts";

/** Words joining two things of one statement. */
const JOINED = /([\p{L}\p{N}][\p{L}\p{N}._/-]*)[,)]?\s+(?:and|&|as well as|plus)\s+(?:(?:the|a|an|our|its|their)\s+)?([\p{L}\p{N}][\p{L}\p{N}._/-]*)/giu;

/** Two things said to share what follows: "Staging and production both run on Heroku". */
const BOTH = /\bboth\b/i;

/**
 * Whether `next` names one side of a pair `prev` joins with "and" (or "&", "as well as", "plus") and not the
 * other, and the side left out is a thing: a name in `prev` (Cypress, API, Vercel), or one of two things
 * `prev` says "both" of. "codes in VS Code and likes keybinding suggestions" joins two verbs: a move to
 * Cursor changes all of it (write-flags coding-g lost that supersede to the bare "and").
 */
export function changesOneOfTwo(prev: string, next: string): boolean {
  const said = statementParts(next).stems;
  const { names } = statementParts(prev);
  const both = BOTH.test(prev);
  for (const m of prev.matchAll(JOINED)) {
    const [a, b] = [statementParts(m[1]!).stems, statementParts(m[2]!).stems];
    if (a.size === 0 || b.size === 0) continue;
    const has = (s: ReadonlySet<string>) => [...s].some((w) => said.has(w));
    if (has(a) === has(b)) continue;
    const left = has(a) ? b : a;
    // A unit is no thing of its own: "64 GB) and pve2" joins two machines' specs.
    if (both || [...left].some((w) => names.has(w) && !UNIT_STEMS.has(w))) return true;
  }
  return false;
}
