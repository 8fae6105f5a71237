/** @module Reading user-given times: ISO 8601, dates, and relative offsets like 3d or 2w (meaning "ago"). */
import { cairnError } from "../errors.ts";

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  mo: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

const RELATIVE = /^(\d+(?:\.\d+)?)\s*(s|min|mo|m|h|d|w|y)(?:\s*ago)?$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** An ISO date and time with no zone or offset ("2027-01-10T09:00", "2027-01-10 09:00:00"). */
const ISO_NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
/** A zone in a time `Date` reads another way ("8 May 2023 10:00 GMT+2", "… PST", "… +0200"). */
const HAS_ZONE = /\b(?:Z|UTC|GMT|UT)\b|[+-]\d{2}:?\d{2}\s*$|\b[A-Z]{1,4}T\b/;

/**
 * Parses a time given by a user or an agent and returns epoch milliseconds.
 * Accepts `now`, `today`, `yesterday`, `tomorrow` (UTC midnights), relative offsets (`90m`, `3d`, `2w`, `1y`, optionally followed by
 * "ago"), ISO dates (`2024-05-01`, read as UTC midnight), ISO date-times, and other formats `Date`
 * understands (`8 May 2023`); a date or date-time without a zone or offset is UTC. Throws BAD_TIME otherwise.
 */
export function parseTime(input: string, now: number): number {
  const ms = readTime(input, now);
  if (!onTimeline(ms)) throw cairnError("TIME_OUT_OF_RANGE", [input.trim()]);
  return ms;
}

/** The first and last instants cairn stores: years 0000 to 9999, what ISO 8601 text holds in four digits. */
const EARLIEST_MS = Date.parse("0000-01-01T00:00:00.000Z");
const LATEST_MS = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * Whether `ms` is an instant cairn can store and show: a whole number of milliseconds within years 0000–9999
 * (QA: `--event-time 99999999999d` was stored, and every list, recall and export then failed on "Invalid Date").
 */
export function onTimeline(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS;
}

function readTime(input: string, now: number): number {
  const text = input.trim();
  const lower = text.toLowerCase();
  if (lower === "now") return now;
  if (lower === "today") return startOfUtcDay(now);
  if (lower === "yesterday") return startOfUtcDay(now) - UNIT_MS.d!;
  // A reminder's day (QA: `--at yesterday` was read and `--at tomorrow` was not).
  if (lower === "tomorrow") return startOfUtcDay(now) + UNIT_MS.d!;
  const ago = durationMs(lower);
  if (ago !== null) return now - ago;
  if (/^\d{12,}$/.test(text)) return Number(text);
  // A year before 0 or past 9999 ("-0001-01-01" was read as 2001, "99999-01-01" kept as such): not a time meant.
  if (/^[-+]\d|^\d{5,}-/.test(text)) throw cairnError("BAD_TIME", [input]);
  const ms = zonelessAsUtc(text);
  if (Number.isNaN(ms) || !onCalendar(text)) throw cairnError("BAD_TIME", [input]);
  return ms;
}

/**
 * `Date.parse` of `text`, a date or date-time given without a zone read as UTC: a date alone was UTC and a
 * date-time local, so in Kiritimati `--at 2027-01-10` and `--at 2027-01-10T00:00:00` were 14 hours apart, a
 * "09:00" showed as "19:00 UTC" the day before, and a script gave other times under another TZ (QA).
 */
function zonelessAsUtc(text: string): number {
  if (DATE_ONLY.test(text)) return Date.parse(`${text}T00:00:00Z`);
  if (ISO_NO_ZONE.test(text)) return Date.parse(`${text.replace(" ", "T")}Z`);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) || HAS_ZONE.test(text)) return Date.parse(text);
  // Another form Date reads ("8 May 2023", "May 8, 2023 10:00"), with no zone of its own.
  const utc = Date.parse(`${text} UTC`);
  return Number.isNaN(utc) ? Date.parse(text) : utc;
}

const LEADING_DATE = /^(\d{4})-(\d{2})-(\d{2})(?![\d])/;

/** False for a leading year-month-day no calendar has (2025-02-30, 2025-04-31): Date.parse rolls those into the next month. */
function onCalendar(text: string): boolean {
  const d = LEADING_DATE.exec(text);
  if (!d) return true;
  const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const date = new Date(Date.UTC(y, m - 1, day));
  return m >= 1 && m <= 12 && date.getUTCMonth() === m - 1 && date.getUTCDate() === day;
}

/** The longest duration taken: far past any store's life, and short of what a time in ms holds exactly. */
const LONGEST_MS = 1000 * 365.25 * 86_400_000;

/**
 * Reads a duration like `90m`, `7d`, `2w`, `6mo`, `1y`; throws BAD_DURATION otherwise. A `lifetime` (how long
 * to keep a memory before it expires or is purged) is counted in days to years, where a bare `m` could mean
 * months as well as minutes: it is refused as ambiguous (`6min` or `6mo`), so `--keep 6M` never purges
 * everything older than six minutes.
 */
export function parseDuration(input: string, opts: { lifetime?: boolean } = {}): number {
  const text = input.trim().toLowerCase();
  const rel = RELATIVE.exec(text);
  if (opts.lifetime && rel?.[2]?.toLowerCase() === "m") throw cairnError("AMBIGUOUS_DURATION", [input.trim(), rel[1]!]);
  const ms = durationMs(text);
  if (ms === null) throw cairnError("BAD_DURATION", [input]);
  // Far past any store's life, and past what is stored exactly (9999999999999d was an Internal error).
  if (ms > LONGEST_MS) throw cairnError("DURATION_TOO_LONG", [input.trim()]);
  return ms;
}

function durationMs(text: string): number | null {
  const rel = RELATIVE.exec(text);
  return rel ? Math.round(Number(rel[1]) * UNIT_MS[rel[2]!]!) : null;
}

/** Same as {@link parseTime} but passes undefined/empty through. */
export function parseOptionalTime(input: string | undefined | null, now: number): number | undefined {
  if (input === undefined || input === null || input.trim() === "") return undefined;
  return parseTime(input, now);
}

/**
 * The end of a range (`--until`, exclusive): a date alone, or `today` / `yesterday`, takes in that whole day ("until
 * 2026-12-06" includes the 6th; QA: `--since D --until D` was an empty range); any other time is the end itself.
 */
export function parseOptionalUntil(input: string | undefined | null, now: number): number | undefined {
  const at = parseOptionalTime(input, now);
  if (at === undefined) return undefined;
  const day = input!.trim().toLowerCase();
  return DATE_ONLY.test(day) || day === "today" || day === "yesterday" ? at + UNIT_MS.d! : at;
}

/**
 * ISO 8601 text of `ms`; null for none, and for a time no Date holds (a value an earlier cairn stored unchecked):
 * one such value must not make every list and export of the store fail.
 */
export function toIso(ms: number | null): string | null {
  if (ms === null) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function startOfUtcDay(ms: number): number {
  return ms - (ms % UNIT_MS.d!);
}
