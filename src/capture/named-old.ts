/**
 * @module Whether a newer statement names, as the thing it replaced, what an older one holds: "from X to Y",
 * "X → Y", "instead of X", "no longer X", "replaced X with Y", "X was replaced by Y", "dropped X in favour of Y".
 * Such a stated change is confident enough to supersede on its own (change-rules.ts).
 */
import { statementParts, type StatementParts } from "./statement-parts.ts";

/** The newer statement names what it replaces: "from X to Y", "X → Y", "instead of X", "no longer X", "X is gone". */
const NAMED_OLD = [
  /\bfrom\s+`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)`?[^.;]*?\s(?:to|→|->)\s/iu,
  /`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)`?\s*(?:→|->)\s*\S/u,
  // Not a participle: "unchanged hashes are skipped instead of reindexed" names an action, and superseded "needs a full reindex".
  /\binstead of\s+(?:the\s+|a\s+)?`?(?!\p{Ll}+ed\b)([\p{L}\p{N}][\p{L}\p{N}._/-]*)/iu,
  /\bno longer\s+(?:uses?\s+|runs?\s+(?:on\s+)?)?`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)/iu,
  // "We replaced winston with pino", "Bob replaced Alice as team lead", "winston was replaced by pino",
  // "dropped Yarn in favour of pnpm" (QA: only flagged, though each says what it replaced).
  /\breplac(?:ed|es|ing)\s+(?:our\s+|the\s+)?`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)`?\s+(?:with|by|as)\s/iu,
  /`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)`?\s+(?:was|were|is|are|has been|have been|got|gets)\s+replaced\b/iu,
  /\b(?:dropped|ditched|abandoned|retired)\s+(?:our\s+|the\s+)?`?([\p{L}\p{N}][\p{L}\p{N}._/-]*)`?[^.;]*?\bin fav(?:ou)?r of\s/iu,
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
