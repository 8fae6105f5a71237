/**
 * @module Whether a newer statement that speaks of a change says nothing the older one does not already say:
 * "CI now runs on GitHub Actions; Jenkins was retired." after "CI runs on GitHub Actions.", "The staging
 * database was upgraded to PostgreSQL 16." after "… runs PostgreSQL 16.", "The user now prefers spaces instead
 * of tabs" after "We switched from tabs to spaces". The change words and the names it says were replaced aside,
 * each holds the other's subject and value. Such a pair agrees: no change of the older one (QA: the change was
 * flagged against the memory already holding the new value, and the stale one, further down, was left alone).
 */
import { stemSet } from "../text/porter.ts";
import { hasOtherNegation } from "./negation-words.ts";
import { replacedStems } from "./named-old.ts";
import { retiredNames } from "./retired-names.ts";
import { hasLike, type StatementParts } from "./statement-parts.ts";

/** Words that say a change happened, not what holds now: "now runs on", "was upgraded to", "Jenkins was retired". */
const CHANGE_WORDS = stemSet(
  "now switched switching moved moving migrated migrating upgraded updated changed became currently today retired removed decommissioned deprecated dropped replaced".split(" "),
);
/**
 * A negation, English or not, other than "instead of" (which names what was replaced): "Dark mode is not the
 * default now" holds every word of "Dark mode is the default" and says the opposite.
 */
const NEGATION = /\b(?:not|no|never|none|nothing|without|avoid|don'?t|doesn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|won'?t|can'?t|cannot|shouldn'?t|mustn'?t)\b/i;

/** What a statement says holds: its subject and value words, less change words and what it names as replaced. */
function stateOf(parts: StatementParts, replaced: ReadonlySet<string>): string[] {
  return [...parts.subject, ...parts.value].filter((w) => !CHANGE_WORDS.has(w) && !replaced.has(w));
}

/** Stems a statement names as replaced or gone: "from X to", "instead of X", "X was retired". */
function replacedIn(text: string): Set<string> {
  const out = replacedStems(text);
  for (const name of retiredNames(text)) for (const w of name) out.add(w);
  return out;
}

/**
 * Whether `next` states what `prev` already holds, a change said or not: each holds every state word of the other,
 * and neither names as replaced what the other holds. Quantities, versions and opposite states ("enabled" / "off",
 * words the stems leave out) are the caller's to compare first.
 */
export function alreadySaid(p: StatementParts, n: StatementParts, prev: string, next: string): boolean {
  if ([prev, next].some((t) => NEGATION.test(t) || hasOtherNegation(t))) return false;
  const [gonePrev, goneNext] = [replacedIn(prev), replacedIn(next)];
  const [statePrev, stateNext] = [stateOf(p, gonePrev), stateOf(n, goneNext)];
  if (statePrev.length === 0 || stateNext.length === 0) return false;
  if (!stateNext.every((w) => hasLike(p.stems, w)) || !statePrev.every((w) => hasLike(n.stems, w))) return false;
  const keeps = (state: readonly string[], gone: ReadonlySet<string>) => !state.some((w) => gone.has(w));
  return keeps(statePrev, goneNext) && keeps(stateNext, gonePrev);
}
