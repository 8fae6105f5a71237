/**
 * @module Whether a newer statement names, as the thing it replaced, what an older one holds: "from X to Y",
 * "X → Y", "instead of X", "no longer X", "replaced X with Y", "X was replaced by Y", "dropped X in favour of Y".
 * Such a stated change is confident enough to supersede on its own (change-rules.ts).
 */
import { statementParts, type StatementParts } from "./statement-parts.ts";

/** One thing replaced by another: "from X to Y", "X → Y", "replaced X with Y", "X was replaced by Y", "dropped X in favour of Y". */
const SWAPS = [
  /\bfrom\s+`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)`?[^.;]*?\s(?:to|→|->)\s/iu,
  /`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)`?\s*(?:→|->)\s*\S/u,
  // "We replaced winston with pino", "Bob replaced Alice as team lead", "winston was replaced by pino",
  // "dropped Yarn in favour of pnpm" (QA: only flagged, though each says what it replaced).
  /\breplac(?:ed|es|ing)\s+(?:our\s+|the\s+)?`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)`?\s+(?:with|by|as)\s/iu,
  /`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)`?\s+(?:was|were|is|are|has been|have been|got|gets)\s+replaced\b/iu,
  /\b(?:dropped|ditched|abandoned|retired)\s+(?:our\s+|the\s+)?`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)`?[^.;]*?\bin fav(?:ou)?r of\s/iu,
];

/** The newer statement names what it replaces: a swap, "instead of X", "no longer X". */
const NAMED_OLD = [
  ...SWAPS,
  // Not a participle: "unchanged hashes are skipped instead of reindexed" names an action, and superseded "needs a full reindex".
  /\binstead of\s+(?:the\s+|a\s+)?`?(?!\p{Ll}+ed\b)([\p{L}\p{N}][\p{L}\p{N}._/-]*)/iu,
  /\bno longer\s+(?:uses?\s+|runs?\s+(?:on\s+)?)?`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)/iu,
];

/**
 * Whether `next` names, as the thing replaced, a word the older statement holds — and holds as its state, not
 * under a negation: "this repo uses pnpm instead of npm" replaces nothing in "use pnpm, not npm".
 */
export function namesOld(p: StatementParts, next: string): boolean {
  for (const re of NAMED_OLD) {
    const m = re.exec(next);
    if (m && [...statementParts(m[1]!).stems].some((w) => p.stems.has(w) && !p.negated.has(w))) return true;
  }
  return false;
}

/**
 * The content words of what `text` names as replaced ("from X to Y", "instead of X", "no longer X", "replaced X
 * with Y" …): the first word of each, as {@link namesOld} reads them.
 */
export function replacedStems(text: string): Set<string> {
  const out = new Set<string>();
  for (const re of NAMED_OLD) {
    const m = re.exec(text);
    if (m) for (const w of statementParts(m[1]!).stems) out.add(w);
  }
  return out;
}

/**
 * Whether `next` says it replaced one thing by another ("from X to Y", "replaced X with Y" …) and the older
 * statement (`prev`, its parts `p`) holds none of what it replaced: the change is of something else, whatever
 * words the two share ("Switched harbor's base image from distroless to Chainguard" changes nothing in
 * "Container images are pushed to registry.internal/platform/harbor": QA, it was flagged, and recall put the
 * switch first). A version or number replaced is left to the quantity rules; an acronym of the older one's words
 * ("CRA" of "Create React App") or a word one starts the other with ("Makefile" of "make test") is held.
 */
export function swapsOtherThing(p: StatementParts, prev: string, next: string): boolean {
  let swapped = false;
  for (const re of SWAPS) {
    const m = re.exec(next);
    const old = m?.[1];
    // A version or number replaced ("from v18 to v20") is the quantity rules' to judge.
    const stems = old && !/\p{N}/u.test(old) ? [...statementParts(old).stems] : [];
    if (stems.length === 0) continue;
    if (stems.some((w) => p.stems.has(w)) || heldOtherwise(old!, prev)) return false;
    swapped = true;
  }
  return swapped;
}

/** `name` as the initials of words of `text` in a row, or a word of `text` that one starts the other with (4+ letters). */
function heldOtherwise(name: string, text: string): boolean {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const n = name.toLowerCase();
  if (/^\p{Lu}{2,6}$/u.test(name)) {
    const initials = words.map((w) => w[0]).join("");
    if (initials.includes(n)) return true;
  }
  return words.some((w) => w.length >= 4 && n.length >= 4 && (w.startsWith(n) || n.startsWith(w)));
}
