/**
 * @module Negation words of languages besides English, for the rules that tell "not"/"never"/"no longer"
 * apart (compare.ts near-copies, statement-parts.ts negation scope, quantities.ts "not 8080"): without them
 * "Staging DB ist nicht schreibgeschützt" read as the same statement as "Staging DB ist schreibgeschützt",
 * was not stored and the opposite was reinforced (QA). Whole words only; the "no longer" forms ("nicht
 * mehr", "ne … plus", "ya no", "больше не") hold one of these words, so they need no list of their own.
 */

/**
 * Lower-case words, by language. Left out on purpose: words that are also common words of another language
 * or of English (Italian "mai" is the German and French month, French "plus" is "more", Spanish and Russian
 * "ni"/"ни" only come with another negation); Spanish "no" is English's own.
 */
const WORDS: Readonly<Record<string, string>> = {
  de: "nicht nichts kein keine keinen keinem keiner keines nie niemals ohne",
  fr: "ne pas jamais aucun aucune rien sans non",
  es: "nunca jamás ningún ninguno ninguna nada sin tampoco",
  it: "non nessun nessuno nessuna niente nulla senza",
  pt: "não nunca jamais nenhum nenhuma nada sem",
  nl: "niet geen nooit niets zonder",
  nb: "ikke aldri ingen intet uten",
  da: "ikke aldrig ingen intet uden",
  sv: "inte ej aldrig ingen inget inga utan",
  ru: "не нет никогда нельзя без",
  pl: "nie nigdy żaden żadna żadne żadnych bez",
  tr: "değil yok asla hiç hiçbir",
};

const SET: ReadonlySet<string> = new Set(Object.values(WORDS).flatMap((w) => w.split(" ")));

/** French elision before a vowel: "n'est", "n’a", "n'y". English "n't" never starts a word. */
const ELIDED = /^n['’]\p{L}/u;

/** Whether one lower-cased word is a negation of one of the languages above. */
export function isOtherNegation(word: string): boolean {
  return SET.has(word) || ELIDED.test(word);
}

/** Letters, digits, hyphens and apostrophes join a word: "non-blocking" and "sans-serif" hold no negation. */
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Whether `text` holds a negation word of one of the languages above. */
export function hasOtherNegation(text: string): boolean {
  for (const [w] of text.toLowerCase().matchAll(WORD)) if (isOtherNegation(w)) return true;
  return false;
}
