/**
 * @module Numbers a statement asserts, with what they count: "30 minutes", "10 MB", "port 8081", "3 nodes",
 * "Python 3.12", "2am". Times and sizes are brought to one scale (an hour and 60 minutes are equal), clock
 * times to minutes after midnight, ports to their number; any other number keeps the stem of the word after
 * it as its unit ("12 workers"). Digits inside identifiers (RS256, pg-main-01, 127.0.0.1, k8s) are not
 * quantities: {@link ./compare.ts} sees those as names.
 */
import { porterStem, type StemSet, stemSet } from "../text/porter.ts";
import { own } from "../domain/own.ts";
import { STOPWORDS } from "../retrieve/stopwords.ts";
import { isOtherNegation } from "./negation-words.ts";

export interface Quantity {
  /** A measure ({@link DURATION}, {@link SIZE_UNIT}, {@link CLOCK}, {@link PORT_NUMBER}), or the counted word's stem ("" for a bare number or a version). */
  unit: string;
  value: number;
  /** Where it starts in the text. */
  at: number;
  /** For a bare number (no unit after it), the stem of the word naming it: "Node 18", "HTTP 429", "factor of 3". */
  name?: string;
  /** Said as a condition ("over 5 MB", "less than 10 ms"): a threshold, not the value of something. */
  condition?: true;
  /** Set against ("on 8443, not 8080", "instead of 30 s"): the value it no longer is. */
  negated?: true;
}

const TIME: Record<string, number> = {
  ms: 0.001, millisecond: 0.001, milliseconds: 0.001, s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  min: 60, mins: 60, minute: 60, minutes: 60, h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86400, day: 86400, days: 86400, week: 604800, weeks: 604800, month: 2592000, months: 2592000,
  year: 31536000, years: 31536000,
};
/**
 * The measures, named so that no counted word's stem can equal one: "5 times" counts times (stem "time"), it is
 * not a duration, and "3 ports" counts ports, not a port number.
 */
export const DURATION = "#duration";
export const SIZE_UNIT = "#size";
export const CLOCK = "#clock";
export const PORT_NUMBER = "#port";
/** How many times something is tried: "3 attempts", "8 times", "5 retries" count the same thing. */
export const REPEATS = "#repeats";
const MEASURES = new Set([DURATION, SIZE_UNIT, CLOCK, PORT_NUMBER]);
const REPEAT_WORDS = stemSet(["time", "times", "attempt", "attempts", "retry", "retries", "try", "tries"]);
const SIZE: Record<string, number> = { b: 1, bytes: 1, kb: 1e3, k: 1e3, mb: 1e6, m: 1e6, gb: 1e9, g: 1e9, tb: 1e12 };
/** Stems of the unit words: shared units ("days", "MB") do not make two quantities about one thing. */
export const UNIT_STEMS: StemSet = stemSet([...Object.keys(TIME), ...Object.keys(SIZE), "port"]);
const WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, ten: 10 };
/** Words after a number that say nothing about what it counts. */
const NOT_UNITS = new Set(["and", "or", "to", "in", "on", "of", "for", "the", "is", "are", "with", "per", "by", "at", "so", "but"]);

// A number standing alone (not glued to letters, or part of a longer dotted/dashed identifier), then what
// follows it: a unit glued on ("10m", "5s", "2am") or the next word.
const NUMBER = /(?<![\p{L}\p{N}_.\-/:])(\d+(?:\.\d+)?)(?![.\-]?\d|\.\p{L})([\p{L}]*)(?:[\s\-/]+([\p{L}]+))?/gu;
/** A `key=` right before a number: the key's last part ("retention.ms" → "ms", "maxPoolSize" → itself). */
const SETTING = /([\p{L}][\p{L}\p{N}]*)\s*=\s*$/u;
const CLOCK_TIME = /(?<![\p{L}\p{N}])(\d{1,2}):(\d{2})(?!\d)/gu;
const PORT = /(?:\bport\s+|(?<![\p{L}\p{N}.])[\p{L}\p{N}-]*:)(\d{2,5})\b/giu;
/**
 * Words before a number that make it a condition: "uploads over 5 MB use multipart" says nothing about the
 * 25 MB upload limit. ("up to" and "at most" state limits, which are values.)
 */
const CONDITION = /\b(?:over|above|under|below|exceeding|beyond|(?:more|less|fewer|greater|larger|bigger|smaller|higher|lower|longer|shorter)\s+than)\s*$/iu;
/** The word before a number, skipping "of" and articles ("factor of 3", "HTTP 429", "a 429"). */
const BEFORE = /([\p{L}][\p{L}\p{N}._+#-]*)(?:\s+(?:of|a|an|the))*\s+$/u;
/** Words before a number that set it against the value stated: "on 8443, not 8080". */
const AGAINST = /\b(?:not|instead of|rather than|no longer)\s+(?:port\s+)?$/iu;
/** The word right before a number, for the same in another language: "auf 8443, nicht 8080" (negation-words.ts). */
const WORD_BEFORE = /(?<![\p{L}\p{N}])([\p{L}]+)\s+$/u;
const WORD_COUNT = /\b(an?|one|two|three|four|five|ten)\s+(ms|millisecond|second|minute|hour|day|week|month|year)s?\b/giu;

/** The quantities `text` states, in order of appearance. */
export function quantities(text: string): Quantity[] {
  const out: Quantity[] = [];
  const taken = new Set<number>();
  const against = (at: number) => {
    const before = text.slice(Math.max(0, at - 24), at);
    const other = isOtherNegation(WORD_BEFORE.exec(before)?.[1]!.toLowerCase() ?? "");
    return AGAINST.test(before) || other ? { negated: true as const } : {};
  };
  for (const m of text.matchAll(CLOCK_TIME)) {
    out.push({ unit: CLOCK, value: Number(m[1]) * 60 + Number(m[2]), at: m.index!, ...against(m.index!) });
    for (let i = m.index!; i < m.index! + m[0].length; i++) taken.add(i);
  }
  for (const m of text.matchAll(PORT)) {
    out.push({ unit: PORT_NUMBER, value: Number(m[1]), at: m.index!, ...against(m.index! + m[0].length - m[1]!.length) });
    for (let i = m.index!; i < m.index! + m[0].length; i++) taken.add(i);
  }
  for (const m of text.matchAll(WORD_COUNT)) out.push({ unit: DURATION, value: WORDS[m[1]!.toLowerCase()]! * TIME[m[2]!.toLowerCase()]!, at: m.index! });
  for (const m of text.matchAll(NUMBER)) {
    if (taken.has(m.index!)) continue;
    // A setting's value (`retention.ms=604800000`, `maxPoolSize=200`) counts what its key names.
    const before = text.slice(Math.max(0, m.index! - 64), m.index!);
    const key = SETTING.exec(before)?.[1];
    const q = key ? quantity(Number(m[1]), "", key.toLowerCase()) : quantity(Number(m[1]), (m[2] ?? "").toLowerCase(), (m[3] ?? "").toLowerCase());
    out.push({ ...(q.unit === "" && !key ? named(q, before) : q), at: m.index!, ...(CONDITION.test(before) ? { condition: true as const } : {}), ...against(m.index!) });
  }
  return out;
}

function quantity(n: number, glued: string, next: string): Omit<Quantity, "at"> {
  if (glued === "am" || glued === "pm") return { unit: CLOCK, value: ((n % 12) + (glued === "pm" ? 12 : 0)) * 60 };
  const unit = glued !== "" ? glued : next;
  const time = own(TIME, unit);
  if (time !== undefined) return { unit: DURATION, value: n * time };
  const size = own(SIZE, unit);
  if (size !== undefined) return { unit: SIZE_UNIT, value: n * size };
  if (glued !== "" || unit === "" || NOT_UNITS.has(unit)) return { unit: "", value: n };
  const stem = porterStem(unit);
  return { unit: REPEAT_WORDS.has(stem) ? REPEATS : stem, value: n };
}

/** A bare number's name: the word before it ("Node 18", "factor of 3"), not a function word ("scaled to 5"). */
function named(q: Omit<Quantity, "at">, before: string): Omit<Quantity, "at"> {
  const word = BEFORE.exec(before)?.[1]?.toLowerCase();
  if (word === undefined || STOPWORDS.has(word) || NOT_UNITS.has(word) || /\d/.test(word)) return q;
  return { ...q, name: porterStem(word) };
}

/**
 * Whether a bare number named by a word ("replication factor 3", "HTTP 429") may be the count the other
 * statement gives ("6 brokers", "120 requests"): only when that statement names it too ("line length ... 80
 * characters" and "line-length 120"). `stems` are the other statement's.
 */
export function namedAlike(a: Quantity, b: Quantity, stems: ReadonlySet<string>): boolean {
  const [bare, counted] = a.unit === "" ? [a, b] : [b, a];
  if (bare.unit !== "" || bare.name === undefined || counted.unit === "" || MEASURES.has(counted.unit)) return true;
  return bare.name.split(/[._+#-]+/).every((part) => part === "" || stems.has(porterStem(part)));
}

/** Whether two quantities measure the same thing (a bare number goes with any count; a condition only with a condition). */
export function comparable(a: Quantity, b: Quantity): boolean {
  if (a.condition !== b.condition) return false;
  if (a.unit === b.unit) return true;
  if (MEASURES.has(a.unit) || MEASURES.has(b.unit)) return false;
  return a.unit === "" || b.unit === "" || a.unit.startsWith(b.unit) || b.unit.startsWith(a.unit);
}

/** A bare whole number naming the major version of the other ("Vue 3" and "Vue 3.4"). */
const coarser = (a: Quantity, b: Quantity) => comparable(a, b) && Number.isInteger(a.value) && !Number.isInteger(b.value) && Math.floor(b.value) === a.value;

/**
 * A value changed: `prev` states a quantity `next` does not repeat, and `next` states another of the same
 * kind in its place ("30 minutes" → "2 hours"; "Node 18" → "Node 20"; not "Node 22 breaks, use 20" → the
 * same two numbers reworded).
 */
export function changedQuantity(
  prev: readonly Quantity[],
  next: readonly Quantity[],
  /** Whether two quantities are said of the same thing (default: any two are). */
  about: (p: Quantity, n: Quantity) => boolean = () => true,
): boolean {
  // "The admin API listens on 8443, not 8080" after "… on port 8080": the earlier value, set against by
  // number (a correction often leaves its unit off), and a new one stated beside it.
  const equal = (a: Quantity, b: Quantity) => Math.abs(a.value - b.value) < 1e-9;
  const stated = next.filter((q) => !q.negated);
  if (next.some((q) => q.negated && prev.some((p) => !p.negated && equal(p, q))) && stated.some((q) => !prev.some((p) => equal(p, q)))) return true;
  const same = (a: Quantity, b: Quantity) => comparable(a, b) && (equal(a, b) || coarser(a, b) || coarser(b, a));
  const gone = prev.filter((p) => !next.some((q) => same(p, q)));
  const fresh = next.filter((q) => !prev.some((p) => same(p, q)));
  return gone.some((p) => fresh.some((q) => comparable(p, q) && about(p, q)));
}
