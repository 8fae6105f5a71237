/**
 * @module Where a text quotes an erased one. Hook-written memories (session summaries, checkpoints) and hook
 * state repeat the user's words cut, re-spaced and embedded in other text, so a purge looks for shared
 * stretches rather than the whole text: every run of at least {@link MIN_QUOTE} letters and digits (case, spacing
 * and punctuation ignored: "zanzibarquetzalbucket9" is quoted by "Zanzibar-Quetzal-Bucket9" and
 * "zanzibar_quetzal_bucket9", QA) that also occurs in an erased text is a quote, widened to whole words, and
 * replaced by {@link ERASED}. A shorter erased text counts as quoted only where it occurs whole. A stretch inside one
 * ordinary word does not count by itself ({@link isQuote}).
 */

export const MIN_QUOTE = 12;
export const ERASED = "[erased]";

/**
 * The letters and digits of `text`, lower-cased, with nothing between them (so a slug such as
 * `task:the-launch-codename`, a name written with dashes or underscores, and spacing changes still match), and
 * for each its index in `text`.
 */
function normalise(text: string): { s: string; at: number[] } {
  let s = "";
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!/[\p{L}\p{N}]/u.test(c)) continue;
    s += c.toLowerCase();
    at.push(i);
  }
  return { s, at };
}

/** The `w`-character stretches of each of `texts` (normalised). */
function gramsOf(texts: readonly string[], w: number): Set<string> {
  const grams = new Set<string>();
  for (const s of texts) for (let i = 0; i + w <= s.length; i++) grams.add(s.slice(i, i + w));
  return grams;
}

/**
 * `text` with every stretch it shares with one of `erased` replaced by {@link ERASED}; `quoted` says whether any was.
 * A stretch one of `kept` holds too stays: it is not the erased text's alone.
 */
export function withoutQuotes(text: string, erased: readonly string[], kept: readonly string[] = []): { text: string; quoted: boolean } {
  const n = normalise(text);
  const cover = new Uint8Array(n.s.length);
  const keptText = kept.map((k) => normalise(k).s);
  const keptGrams = new Map<number, Set<string>>();
  for (const e of erased) {
    const s = normalise(e).s;
    if (s.length === 0) continue;
    const w = Math.min(MIN_QUOTE, s.length);
    const grams = gramsOf([s], w);
    const keep = keptGrams.get(w) ?? keptGrams.set(w, gramsOf(keptText, w)).get(w)!;
    // An erased text that is one word (a token, an identifier) counts wherever it occurs, whatever it is.
    const mark = ONE_WORD.test(e.trim()) ? WHOLE : SHARED;
    for (let i = 0; i + w <= n.s.length; i++) {
      const gram = n.s.slice(i, i + w);
      if (grams.has(gram) && !keep.has(gram)) for (let k = i; k < i + w; k++) cover[k] = Math.max(cover[k]!, mark);
    }
  }
  if (!cover.includes(SHARED) && !cover.includes(WHOLE)) return { text, quoted: false };
  const names = namesIn(erased);
  let out = "";
  let i = 0;
  let last = 0;
  let quoted = false;
  while (i < n.s.length) {
    if (!cover[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n.s.length && cover[j]) j++;
    const next = j;
    if (!isQuote(text, n, i, j, cover, names)) {
      i = next;
      continue;
    }
    quoted = true;
    // Whole words: a quote cut mid-word leaves no half token behind.
    let start = n.at[i]!;
    let end = n.at[j - 1]! + 1;
    while (start > last && /[\p{L}\p{N}_-]/u.test(text[start - 1]!)) start--;
    while (end < text.length && /[\p{L}\p{N}_-]/u.test(text[end]!)) end++;
    out += text.slice(last, start) + ERASED;
    last = end;
    i = next;
  }
  if (!quoted) return { text, quoted: false };
  out += text.slice(last);
  return { text: out.replace(new RegExp(`(${escape(ERASED)}[\\s…,.;:-]*)+${escape(ERASED)}`, "g"), ERASED), quoted: true };
}

/** Marks of {@link withoutQuotes}'s cover: shared with an erased text, or with an erased text that is one word. */
const SHARED = 1;
const WHOLE = 2;
const ONE_WORD = /^[\p{L}\p{N}]+$/u;

/**
 * Whether the shared stretch [i, j) (normalised positions) is a quote: it runs across words (a phrase of the
 * erased text, or a name written with dashes, dots or spaces), is a whole one-word erased text, or is one word
 * that is no ordinary word: with a digit, a capital inside it, or written with a capital in the erased text (a name).
 * One ordinary long word alone
 * ("configuration", "documentation") is not the erased text's: QA, erasing "The staging configuration uses port
 * 5433" rewrote an unrelated summary's "configuration loader" to "[erased] loader", irreversibly.
 */
function isQuote(text: string, n: { at: number[] }, i: number, j: number, cover: Uint8Array, names: ReadonlySet<string>): boolean {
  const from = n.at[i]!;
  const to = n.at[j - 1]!;
  if (to - from + 1 !== j - i) return true;
  if (cover.subarray(i, j).includes(WHOLE)) return true;
  const word = text.slice(from, to + 1);
  return /\p{N}/u.test(word) || /\p{Lu}/u.test(word.slice(1)) || names.has(word.toLowerCase());
}

/**
 * The words the erased texts write with a capital (a name: "Zanzibarquetzal", the codename the erase was for; QA:
 * it stayed in a summary that named it alone), lower-cased; an ordinary word written in lower case is not one.
 */
function namesIn(erased: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const e of erased) for (const m of e.matchAll(/\p{Lu}[\p{L}\p{N}]*/gu)) out.add(m[0].toLowerCase());
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every string inside `value` (objects and arrays, any depth) passed through {@link withoutQuotes}. */
export function withoutQuotesDeep<T>(value: T, erased: readonly string[]): { value: T; quoted: boolean } {
  let quoted = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      const r = withoutQuotes(v, erased);
      quoted ||= r.quoted;
      return r.text;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(value) as T;
  return { value: out, quoted };
}
