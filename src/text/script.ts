/**
 * @module The writing system a text is mostly in. An embedding model trained on one language's vocabulary
 * (USE-lite: English) maps text in another script to nearly the same vector whatever it says, so such a
 * memory came out as the nearest neighbour of unrelated queries (a Japanese note first for "deploy", "((("
 * or "🚀 deploy" in a small store). Dense recall uses this to tell those matches from real ones.
 */

const SCRIPTS: ReadonlyArray<readonly [string, RegExp]> = [
  ["latin", /\p{Script=Latin}/gu],
  // Chinese, Japanese and Korean share Han characters: one class.
  ["cjk", /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu],
  ["cyrillic", /\p{Script=Cyrillic}/gu],
  ["greek", /\p{Script=Greek}/gu],
  ["arabic", /\p{Script=Arabic}/gu],
  ["hebrew", /\p{Script=Hebrew}/gu],
  ["devanagari", /\p{Script=Devanagari}/gu],
  ["thai", /\p{Script=Thai}/gu],
];

const ASCII = /^[\x00-\x7f]*$/;
const LETTER = /[A-Za-z]/;

/** The script most of `text`'s letters are written in, or null when it has no letters of these scripts. */
export function mainScript(text: string): string | null {
  // Most memories and queries are ASCII: one scan instead of eight (dense recall asks for every candidate).
  if (ASCII.test(text)) return LETTER.test(text) ? "latin" : null;
  let best: string | null = null;
  let most = 0;
  for (const [name, pattern] of SCRIPTS) {
    const n = text.match(pattern)?.length ?? 0;
    if (n > most) [best, most] = [name, n];
  }
  return best;
}
