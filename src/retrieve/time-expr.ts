/**
 * @module Reading English time expressions ("yesterday", "last week", "3 days ago", "in May 2023", "on 8 May,
 * 2023", "the week before 16 November 2023", "between August 11 and 15 2023", "last Friday") into time spans,
 * relative to a reference time. The same reader serves queries (reference: now) and memory content
 * (reference: when the memory was written), so "I went yesterday" in a memory from 8 May lands on 7 May.
 * Days are UTC days, like every other time in cairn. Rule-based on purpose: no model, microseconds per text.
 */

export interface TimeSpan {
  /** Inclusive start, epoch ms. */
  start: number;
  /** Exclusive end, epoch ms. */
  end: number;
  /** The words that produced the span, as written. */
  text: string;
  /** Where those words start in the input. */
  index: number;
}

const DAY = 86_400_000;
const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const NUMBERS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, couple: 2, "a couple of": 2, "a few": 3, few: 3, several: 3,
};
/** Years a bare month or season may refer to, counted back from the reference year. */
const RECURRING_YEARS = 12;

const MON = `(?:${MONTHS.join("|")}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\\.?`;
const WD = `(?:${WEEKDAYS.join("|")})`;
const NUM = `(?:\\d{1,2}|a couple of|a few|couple|few|several|${Object.keys(NUMBERS).filter((k) => !k.includes(" ")).join("|")})`;
const UNIT = "(day|night|week|weekend|month|year)s?";
const ORD = "(\\d{1,2})(?!\\d)(?:st|nd|rd|th)?";
const YEAR = "((?:19|20)\\d{2})(?!\\d)";
/** A calendar date with its year optional: "8 May, 2023", "May 8th 2023", "May 8", "2023-05-08". */
const DATE = `(?:${ORD}(?:\\s+of)?\\s+(${MON}),?(?:\\s+${YEAR})?|(${MON})\\s+${ORD}(?:(?:,\\s*|\\s+)${YEAR})?|${YEAR}-(\\d{2})-(\\d{2}))`;

const utcDay = (ms: number) => ms - (((ms % DAY) + DAY) % DAY);
const monthIndex = (word: string) => MONTHS.findIndex((m) => m.startsWith(word.replace(".", "").slice(0, 3)));
const yearOf = (ms: number) => new Date(ms).getUTCFullYear();
const span = (start: number, end: number): [number, number][] => [[start, end]];
const numberOf = (word: string) => (/^\d+$/.test(word) ? Number(word) : (NUMBERS[word] ?? 1));

/** Whole-day spans of a date; without a year, that day in each recent year. */
function dateSpans(m: string[], at: number, ref: number): [number, number][] {
  const [day, month, year] = m[at] !== undefined
    ? [Number(m[at]), monthIndex(m[at + 1]!), m[at + 2]]
    : m[at + 3] !== undefined
      ? [Number(m[at + 4]), monthIndex(m[at + 3]!), m[at + 5]]
      : [Number(m[at + 8]), Number(m[at + 7]) - 1, m[at + 6]];
  if (month < 0 || day < 1 || day > 31) return [];
  const years = year ? [Number(year)] : recentYears(ref);
  return years.map((y) => [Date.UTC(y, month, day), Date.UTC(y, month, day) + DAY]);
}

function recentYears(ref: number): number[] {
  const y = yearOf(ref);
  return Array.from({ length: RECURRING_YEARS + 1 }, (_, i) => y + 1 - i);
}

/** Monday 00:00 UTC of the week holding `ms`. */
const weekStart = (ms: number) => utcDay(ms) - ((new Date(ms).getUTCDay() + 6) % 7) * DAY;

function unitSpan(unit: string, ref: number, offset: number): [number, number] {
  const d = new Date(ref);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  switch (unit) {
    case "day":
    case "night":
      return [utcDay(ref) + offset * DAY, utcDay(ref) + (offset + 1) * DAY];
    case "week":
      return [weekStart(ref) + offset * 7 * DAY, weekStart(ref) + (offset + 1) * 7 * DAY];
    case "weekend": {
      // The weekend before the reference day ("last weekend" said on a Sunday means the one before).
      const sat = weekStart(ref) - 2 * DAY + (offset + 1) * 7 * DAY;
      return [sat, sat + 2 * DAY];
    }
    case "month":
      return [Date.UTC(y, mo + offset, 1), Date.UTC(y, mo + offset + 1, 1)];
    default:
      return [Date.UTC(y + offset, 0, 1), Date.UTC(y + offset + 1, 0, 1)];
  }
}

/** The most recent `weekday` strictly before the reference day (or after it, for "next"/"this"). */
function weekdaySpan(name: string, ref: number, forward: boolean): [number, number] {
  const want = WEEKDAYS.indexOf(name);
  const today = new Date(ref).getUTCDay();
  const delta = forward ? ((want - today + 7) % 7 || 7) : -((today - want + 7) % 7 || 7);
  const start = utcDay(ref) + delta * DAY;
  return [start, start + DAY];
}

const UNIT_DAYS: Record<string, number> = { day: 1, night: 1, week: 7, weekend: 7, month: 30, year: 365 };
const SEASONS: Record<string, [number, number]> = { spring: [2, 5], summer: [5, 8], fall: [8, 11], autumn: [8, 11], winter: [11, 14] };

type Rule = [RegExp, (m: string[], ref: number) => [number, number][]];

/** Longer, more specific forms first: a match consumes its words so shorter rules cannot reuse them. */
const RULES: Rule[] = [
  [new RegExp(`\\bbetween\\s+${DATE}\\s+(?:and|to|-)\\s+${DATE}`, "g"), (m, ref) => {
    const b = dateSpans(m, 10, ref);
    const yearB = b.length === 1 ? yearOf(b[0]![0]) : undefined;
    const a = dateSpans(m, 1, ref).filter(([s]) => yearB === undefined || yearOf(s) === yearB);
    return a.length > 0 && b.length > 0 ? span(Math.min(...a.map((x) => x[0])), Math.max(...b.map((x) => x[1]))) : [];
  }],
  [new RegExp(`\\bbetween\\s+(${MON})\\s+${ORD}\\s+(?:and|to|-)\\s+${ORD}(?:,?\\s+${YEAR})?`, "g"), (m, ref) => {
    const years = m[4] ? [Number(m[4])] : recentYears(ref);
    return years.map((y) => [Date.UTC(y, monthIndex(m[1]!), Number(m[2])), Date.UTC(y, monthIndex(m[1]!), Number(m[3])) + DAY]);
  }],
  [new RegExp(`\\b(?:the\\s+)?(${NUM}\\s+)?(day|week|weekend|month|${WD})s?\\s+(before|after)\\s+${DATE}`, "g"), (m, ref) =>
    dateSpans(m, 4, ref).map(([s, e]) => relativeTo(m[2]!, numberOf((m[1] ?? "1").trim()), m[3] === "before", s, e))],
  [new RegExp(`\\b(?:(first|second|third|fourth|last)\\s+week|(beginning|start|early|middle|mid|end|late))(?:\\s+of)?[\\s-]+(${MON})(?:,?\\s+${YEAR})?`, "g"), (m, ref) => {
    const month = monthIndex(m[3]!);
    const years = m[4] ? [Number(m[4])] : recentYears(ref);
    return years.map((y) => partOfMonth(y, month, m[1], m[2]));
  }],
  [new RegExp(`\\b${DATE}`, "g"), (m, ref) => dateSpans(m, 1, ref)],
  [new RegExp(`\\b(${MON})(?:,|\\s+of)?\\s+${YEAR}\\b`, "g"), (m) => span(Date.UTC(Number(m[2]), monthIndex(m[1]!), 1), Date.UTC(Number(m[2]), monthIndex(m[1]!) + 1, 1))],
  // A season needs a determiner or a year: "I fall", "summer breeze" are not times.
  [new RegExp(`\\b(?:(last|this|next|past|the|in|during)\\s+)(spring|summer|fall|autumn|winter)(?:\\s+(?:of\\s+)?${YEAR})?\\b|\\b(spring|summer|fall|autumn|winter)\\s+(?:of\\s+)?${YEAR}\\b`, "g"), (m, ref) => {
    const [from, to] = SEASONS[m[2] ?? m[4]!]!;
    const year = m[3] ?? m[5];
    if (year) return span(Date.UTC(Number(year), from, 1), Date.UTC(Number(year), to, 1));
    const spans = recentYears(ref).map((y): [number, number] => [Date.UTC(y, from, 1), Date.UTC(y, to, 1)]);
    if (m[1] !== "last" && m[1] !== "this" && m[1] !== "next") return spans;
    // "last summer": the latest one that ended before now; "this/next summer": the next one not yet over.
    const past = spans.filter(([, e]) => e <= ref);
    return m[1] === "last" ? past.slice(0, 1) : spans.filter(([, e]) => e > ref).slice(-1);
  }],
  // A bare month needs a preposition ("in May"); "this may be" and "by may" are too often the verb.
  [new RegExp(`\\b(?:in|during|of|since|until|before|after|from|through|throughout|last|next)\\s+(${MON})\\b`, "g"), (m, ref) =>
    recentYears(ref).map((y) => [Date.UTC(y, monthIndex(m[1]!), 1), Date.UTC(y, monthIndex(m[1]!) + 1, 1)])],
  [new RegExp(`\\b(?:in|during|of|since|year)\\s+${YEAR}\\b|\\b${YEAR}(?=\\s*[?.!,;](?![a-z0-9])|\\s*$)`, "g"), (m) => {
    const y = Number(m[1] ?? m[2]);
    return span(Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1));
  }],
  [new RegExp(`\\b(${NUM})\\s+${UNIT}\\s+(ago|earlier|later|from now)\\b`, "g"), (m, ref) => {
    const n = numberOf(m[1]!) * (m[3] === "later" || m[3] === "from now" ? 1 : -1);
    return [unitSpan(m[2]!, ref, n)];
  }],
  [new RegExp(`\\bin\\s+(${NUM})\\s+${UNIT}\\b`, "g"), (m, ref) => [unitSpan(m[2]!, ref, numberOf(m[1]!))]],
  [/\b(?:over|on|at|during)\s+the\s+weekend\b/g, (_m, ref) => [unitSpan("weekend", ref, -1)]],
  [new RegExp(`\\b(last|this|next|past|previous|coming)\\s+(?:(${WD})|${UNIT})\\b`, "g"), (m, ref) => {
    if (m[2]) return [weekdaySpan(m[2], ref, m[1] === "next" || m[1] === "this" || m[1] === "coming")];
    const offset = m[1] === "this" ? 0 : m[1] === "next" || m[1] === "coming" ? 1 : -1;
    // "the past week" is the seven days up to now, not the previous calendar week.
    if (m[1] === "past") return span(ref - UNIT_DAYS[m[3]!]! * DAY, ref);
    return [unitSpan(m[3]!, ref, offset)];
  }],
  [/\b(?:the\s+day\s+before\s+yesterday|day\s+before\s+yesterday)\b/g, (_m, ref) => [unitSpan("day", ref, -2)]],
  [/\b(yesterday|today|tonight|tomorrow|this\s+(?:morning|afternoon|evening))\b/g, (m, ref) =>
    [unitSpan("day", ref, m[1] === "yesterday" ? -1 : m[1] === "tomorrow" ? 1 : 0)]],
  [new RegExp(`\\b(?:on\\s+)?(${WD})\\b`, "g"), (m, ref) => [weekdaySpan(m[1]!, ref, false)]],
];

/** "the week before X", "two days after X", "the Friday before X" around the day [s, e). */
function relativeTo(unit: string, n: number, before: boolean, s: number, e: number): [number, number] {
  if (WEEKDAYS.includes(unit)) return weekdaySpan(unit, before ? s : e - DAY, !before);
  if (unit === "weekend") {
    const sat = weekdaySpan("saturday", before ? s : e - DAY, !before)[0];
    return [sat, sat + 2 * DAY];
  }
  const len = unit === "day" ? DAY : unit === "month" ? 30 * DAY : 7 * DAY;
  return before ? [s - n * len, s] : [e, e + n * len];
}

function partOfMonth(y: number, month: number, week: string | undefined, part: string | undefined): [number, number] {
  const first = Date.UTC(y, month, 1);
  const next = Date.UTC(y, month + 1, 1);
  if (week) {
    if (week === "last") return [next - 7 * DAY, next];
    const i = ["first", "second", "third", "fourth"].indexOf(week);
    return [first + i * 7 * DAY, first + (i + 1) * 7 * DAY];
  }
  if (part === "beginning" || part === "start" || part === "early") return [first, first + 10 * DAY];
  if (part === "middle" || part === "mid") return [first + 9 * DAY, first + 20 * DAY];
  return [first + 20 * DAY, next];
}

/**
 * Words one of which every rule needs (a digit, a month's first three letters, a season, a unit of time, a day
 * word: "day" is in every weekday, "yesterday" and "today", "night" in "tonight"), matched anywhere: a text
 * without any has no time expression, and is not run through {@link RULES}, whose first use costs a one-shot
 * command ~1 ms of regular expression compiling.
 */
const ANY_TIME_WORD = /\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|spring|summer|fall|autumn|winter|day|night|week|month|year|tomorrow|morning|afternoon|evening/;

/** Every time expression in `text`, read relative to `ref` (epoch ms). */
export function findTimeSpans(text: string, ref: number): TimeSpan[] {
  const lower = text.toLowerCase();
  if (!ANY_TIME_WORD.test(lower)) return [];
  const taken: Array<[number, number]> = [];
  const out: TimeSpan[] = [];
  for (const [re, read] of RULES) {
    re.lastIndex = 0;
    for (let m = re.exec(lower); m !== null; m = re.exec(lower)) {
      const [from, to] = [m.index, m.index + m[0].length];
      if (taken.some(([a, b]) => from < b && to > a)) continue;
      const spans = read(Array.from(m, (x) => x), ref).filter(([s, e]) => Number.isFinite(s) && e > s);
      if (spans.length === 0) continue;
      taken.push([from, to]);
      for (const [start, end] of spans) out.push({ start, end, text: text.slice(from, to), index: from });
    }
  }
  return out.sort((a, b) => a.index - b.index || a.start - b.start);
}

/** Durations and other time talk that answer "when" or "how long" without naming a span ("for 3 years"). */
const DURATION = new RegExp(`\\b(?:for|since|about|over|almost|nearly)\\s+(?:${NUM}|\\d+)\\s+${UNIT}|\\b(?:${NUM})\\s+${UNIT}\\s+(?:now|old)\\b|\\bsince\\s+(?:i\\s+was|${YEAR})`, "i");

/** True when `text` says when or how long something happened. */
export function mentionsTime(text: string, spans?: readonly TimeSpan[]): boolean {
  return (spans ?? findTimeSpans(text, 0)).length > 0 || DURATION.test(text);
}
