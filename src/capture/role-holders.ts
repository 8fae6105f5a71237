/**
 * @module Who holds a role, as notes say it: "Daniel Osei is the tech lead of the checkout squad", "Checkout squad
 * tech lead: Hana Kobayashi", "the data team is led by Hiroshi", "Fatima runs the data team", "Tomás owns the
 * hardware". A later statement naming other holders of a role for the same subject changes the earlier one
 * (change-rules.ts): the rules saw one name put in another's place only within one sentence frame. Read from the
 * statement's own words, names written capitalised; no list of people.
 */
import type { StatementParts } from "./statement-parts.ts";
import { statementParts } from "./statement-parts.ts";

const NAME = String.raw`(\p{Lu}[\p{Ll}'’-]+(?:\s\p{Lu}[\p{Ll}'’.-]*)?)`;
const ROLE = String.raw`(?:owner|lead|maintainer|manager|pm|contact|dri|point of contact|head)`;
/** A holder and a role together: the name is the first group. */
const HOLDER = [
  new RegExp(String.raw`${NAME}\s+(?:now\s+)?(?:owns|leads|maintains|manages)\b`, "gu"),
  new RegExp(String.raw`${NAME}\s+(?:now\s+)?runs\s+the\s+[\p{L}\s-]{1,30}?(?:team|squad|group)\b`, "gu"),
  new RegExp(String.raw`\b(?:owned|led|maintained|managed|run)\s+by\s+(?:the\s+)?${NAME}`, "gu"),
  new RegExp(String.raw`${NAME}\s+(?:is|was)\s+(?:now\s+)?(?:the\s+|our\s+)?(?:[\p{L}-]+\s+){0,3}?${ROLE}\b`, "gu"),
  new RegExp(String.raw`\b${ROLE}s?\s*(?:is|:|=|→)\s*(?:now\s+)?${NAME}`, "giu"),
];
/** Capitalised words that start a sentence, not a name. */
const NOT_NAMES = new Set(["the", "our", "this", "that", "it", "we", "they", "he", "she", "user", "team", "who", "which"]);
/** Words of the role itself (stems), which say nothing of whose role it is: "tech lead", "product manager". */
const ROLE_WORDS = new Set(["owner", "own", "lead", "led", "maintain", "manag", "manager", "pm", "product", "tech", "technic", "engin", "contact", "point", "head", "dri", "run", "now"]);

/** The words (lowercased) of the names a statement gives as holders of a role; empty when it names none. */
export function roleHolders(text: string): Set<string> {
  const out = new Set<string>();
  for (const re of HOLDER) {
    for (const m of text.matchAll(re)) {
      const words = m[1]!.trim().split(/\s+/);
      if (NOT_NAMES.has(words[0]!.toLowerCase())) continue;
      for (const w of words) out.add(w.toLowerCase().replace(/[.'’]+$/, ""));
    }
  }
  return out;
}

/**
 * Whether `next` names other holders of a role than `prev` does, for a subject both speak of (a word of theirs
 * that is neither a role word nor a holder's name): "The data team lead is Hiroshi" → "Fatima runs the data team".
 * The same holder said again ("Android tech lead is Jonas" after "Jonas leads the Android team") is no change, nor
 * are two subjects' holders ("tech lead of checkout" / "tech lead of payments").
 */
export function holderChanged(prev: string, next: string, p: StatementParts, n: StatementParts): boolean {
  const [before, after] = [roleHolders(prev), roleHolders(next)];
  if (before.size === 0 || after.size === 0 || [...before].some((w) => after.has(w))) return false;
  const subject = (parts: StatementParts, holders: ReadonlySet<string>) => {
    const names = new Set([...holders].flatMap((w) => [...statementParts(w).stems]));
    return [...parts.stems].filter((w) => !ROLE_WORDS.has(w) && !names.has(w));
  };
  const theirs = new Set(subject(n, after));
  return subject(p, before).some((w) => theirs.has(w));
}
