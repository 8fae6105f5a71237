/**
 * @module Cutting text to a length for output without splitting a character. `slice(0, n)` counts UTF-16 code
 * units: it cut "🚀" in half, and a lone `\ud83d` reached JSON (budget trimming, hook context, MCP recall;
 * strict parsers refuse the whole message) and U+FFFD the terminal (QA). Here a cut never ends inside a
 * surrogate pair, nor before what extends the character before it (a combining accent, a ZWJ sequence's
 * next part, a skin tone, a variation selector, a flag's second letter, a Hangul vowel or final consonant),
 * with the rules of Unicode's grapheme clusters that matter here and no ICU: hooks pay no start-up for it.
 */

/** Code points that belong to the character before them (Grapheme_Cluster_Break Extend, SpacingMark, ZWJ, V, T). */
const EXTENDS = /^[\p{M}\u200c\u200d\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}\u1160-\u11ff\ud7b0-\ud7ff]/u;
/** A regional indicator: flags are two of them. */
const REGIONAL = /^[\u{1f1e6}-\u{1f1ff}]/u;
/** Steps back past a grapheme's parts at most this far; past it (zalgo text), the cut is on a code point. */
const MAX_STEPS = 32;

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The code-unit index one code point before `i`. */
function before(text: string, i: number): number {
  return i >= 2 && isLow(text.charCodeAt(i - 1)) && isHigh(text.charCodeAt(i - 2)) ? i - 2 : i - 1;
}

/** The largest index ≤ `max` where `text` may be cut: not inside a surrogate pair, ideally not inside a character. */
export function cutIndex(text: string, max: number): number {
  if (max >= text.length) return text.length;
  if (max <= 0) return 0;
  const pointCut = isHigh(text.charCodeAt(max - 1)) && isLow(text.charCodeAt(max)) ? max - 1 : max;
  let end = pointCut;
  for (let steps = 0; end > 0 && steps < MAX_STEPS; steps++) {
    const next = text.slice(end, end + 2);
    const joined = text.charCodeAt(end - 1) === 0x200d;
    let regionalRun = 0;
    if (REGIONAL.test(next)) for (let i = end; i > 0 && REGIONAL.test(text.slice(before(text, i), i)); i = before(text, i)) regionalRun++;
    if (!EXTENDS.test(next) && !joined && regionalRun % 2 === 0) return end;
    end = before(text, end);
  }
  // One character longer than the whole cut, or than MAX_STEPS parts: a code point's cut it is.
  return pointCut;
}

/** The first `max` code units of `text` or fewer, cut where {@link cutIndex} says. */
export function cutText(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, cutIndex(text, max));
}

/** The smallest index ≥ `min` that does not split a surrogate pair: where a text's kept end may start. */
export function tailIndex(text: string, min: number): number {
  if (min <= 0) return 0;
  return min < text.length && isLow(text.charCodeAt(min)) && isHigh(text.charCodeAt(min - 1)) ? min + 1 : min;
}
