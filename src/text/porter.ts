/**
 * @module The Porter stemmer (Martin Porter, 1980, with the published departures "bli"→"ble" and
 * "logi"→"log"), as SQLite's FTS5 `porter` tokenizer applies it: tokens shorter than 3 or longer than 64
 * characters pass unchanged. The blind index (encrypted stores) stems in JavaScript before hashing, so
 * "tests" and "test" hash alike there just as they match alike in the plain index.
 */

const isCons = (w: string, i: number): boolean => {
  const c = w[i]!;
  if ("aeiou".includes(c)) return false;
  if (c === "y") return i === 0 ? true : !isCons(w, i - 1);
  return true;
};

/** m: the number of vowel-consonant sequences in `w` (its "measure"). */
function measure(w: string): number {
  let n = 0;
  let i = 0;
  const len = w.length;
  while (i < len && isCons(w, i)) i++;
  for (;;) {
    while (i < len && !isCons(w, i)) i++;
    if (i >= len) return n;
    while (i < len && isCons(w, i)) i++;
    n++;
    if (i >= len) return n;
  }
}

function hasVowel(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (!isCons(w, i)) return true;
  return false;
}

const doubleCons = (w: string): boolean => w.length >= 2 && w[w.length - 1] === w[w.length - 2] && isCons(w, w.length - 1);

/** consonant-vowel-consonant at the end, the last not w, x or y. */
function cvc(w: string): boolean {
  const n = w.length;
  if (n < 3 || !isCons(w, n - 1) || isCons(w, n - 2) || !isCons(w, n - 3)) return false;
  return !"wxy".includes(w[n - 1]!);
}

/** Replaces the first matching suffix when the stem before it has measure > `min`. */
function replaceSuffix(w: string, rules: ReadonlyArray<readonly [string, string]>, min: number): string {
  for (const [suf, rep] of rules) {
    if (!w.endsWith(suf)) continue;
    const stem = w.slice(0, w.length - suf.length);
    return measure(stem) > min ? stem + rep : w;
  }
  return w;
}

const STEP2: ReadonlyArray<readonly [string, string]> = [
  ["ational", "ate"], ["tional", "tion"], ["enci", "ence"], ["anci", "ance"], ["izer", "ize"], ["bli", "ble"],
  ["alli", "al"], ["entli", "ent"], ["eli", "e"], ["ousli", "ous"], ["ization", "ize"], ["ation", "ate"],
  ["ator", "ate"], ["alism", "al"], ["iveness", "ive"], ["fulness", "ful"], ["ousness", "ous"], ["aliti", "al"],
  ["iviti", "ive"], ["biliti", "ble"], ["logi", "log"],
];
const STEP3: ReadonlyArray<readonly [string, string]> = [
  ["icate", "ic"], ["ative", ""], ["alize", "al"], ["iciti", "ic"], ["ical", "ic"], ["ful", ""], ["ness", ""],
];
const STEP4 = [
  "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate",
  "iti", "ous", "ive", "ize",
];

/** Longest suffix first within each step, as the algorithm's switch on the penultimate letter effectively does. */
const bySuffixLength = <T extends readonly [string, string]>(rules: readonly T[]) => [...rules].sort((a, b) => b[0].length - a[0].length);
const STEP2_SORTED = bySuffixLength(STEP2);
const STEP3_SORTED = bySuffixLength(STEP3);
const STEP4_SORTED = [...STEP4].sort((a, b) => b.length - a.length);

/**
 * Stems already computed: a vocabulary repeats (recall splits ~40 candidate statements per query for
 * current-first, each word stemmed), and stemming was a third of that work. Cleared when full.
 */
const stems = new Map<string, string>();
const STEMS = 50_000;

export function porterStem(word: string): string {
  if (word.length < 3 || word.length > 64) return word;
  const known = stems.get(word);
  if (known !== undefined) return known;
  const stem = stemOnce(word);
  if (stems.size >= STEMS) stems.clear();
  stems.set(word, stem);
  return stem;
}

function stemOnce(word: string): string {
  let w = word;
  // Step 1a
  if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("ies")) w = w.slice(0, -2);
  else if (!w.endsWith("ss") && w.endsWith("s")) w = w.slice(0, -1);
  // Step 1b
  let again = false;
  if (w.endsWith("eed")) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else if (w.endsWith("ed") && hasVowel(w.slice(0, -2))) {
    w = w.slice(0, -2);
    again = true;
  } else if (w.endsWith("ing") && hasVowel(w.slice(0, -3))) {
    w = w.slice(0, -3);
    again = true;
  }
  if (again) {
    if (w.endsWith("at") || w.endsWith("bl") || w.endsWith("iz")) w += "e";
    else if (doubleCons(w) && !"lsz".includes(w[w.length - 1]!)) w = w.slice(0, -1);
    else if (measure(w) === 1 && cvc(w)) w += "e";
  }
  // Step 1c
  if (w.endsWith("y") && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  w = replaceSuffix(w, STEP2_SORTED, 0);
  w = replaceSuffix(w, STEP3_SORTED, 0);
  // Step 4
  for (const suf of STEP4_SORTED) {
    if (!w.endsWith(suf)) continue;
    const stem = w.slice(0, w.length - suf.length);
    if (suf === "ion" && !/[st]$/.test(stem)) break;
    if (measure(stem) > 1) w = stem;
    break;
  }
  // Step 5a
  if (w.endsWith("e")) {
    const stem = w.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !cvc(stem))) w = stem;
  }
  // Step 5b
  if (measure(w) > 1 && doubleCons(w) && w.endsWith("l")) w = w.slice(0, -1);
  return w;
}

/** A set of stems asked only whether it holds one. */
export interface StemSet {
  has(stem: string): boolean;
}

/**
 * The stems of `words` (by `stem`, porterStem unless given), worked out the first time the set is asked: a list
 * stemmed as its module loads costs every process that loads it (~95 words: ~2 ms of a cold command, before the
 * JIT has warmed up), and most commands never ask.
 */
export function stemSet(words: readonly string[], stem: (word: string) => string = porterStem): StemSet {
  let set: Set<string> | undefined;
  return { has: (s) => (set ??= new Set(words.map((w) => stem(w)))).has(s) };
}
