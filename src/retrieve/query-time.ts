/**
 * @module What a query says about time: the spans it names ("last week", "in May 2023"), events it places
 * the answer before or after ("after the trip"), and whether it asks when or how long something happened
 * (then the answer is a memory that says so). Content channels still search the whole query: removing the
 * time words from it was measured and cost R@10 on LoCoMo 0–4 (76.5 → 76.1).
 */
import { findTimeSpans, type TimeSpan } from "./time-expr.ts";

export interface QueryTime {
  /** Spans the query names, read relative to now. */
  spans: TimeSpan[];
  /** "before X" / "after X" where X is an event, not a time: X is found by searching for it. */
  anchors: Array<{ side: "before" | "after"; text: string }>;
  /** The query asks when, how long or since when. */
  asksWhen: boolean;
}

const ASKS_WHEN = /\b(?:when|since when|how long|how many (?:days|weeks|months|years)|what (?:year|month|date|day|time)|which (?:year|month|date|day|week))\b/i;
// Up to five words after before/after, ending at punctuation or a clause word.
const ANCHOR = /\b(before|after)\s+((?:[\p{L}\p{N}'’-]+\s*){1,5}?)(?=\s*(?:[?.!,;:]|$|\b(?:and|but|or|when|while|so|because|as|in|on|at|to)\b))/giu;
const CLAUSE_START = /^(?:i|you|he|she|we|they|it)\b/i;

export function analyzeQueryTime(text: string, now: number): QueryTime {
  const spans = findTimeSpans(text, now);
  const covered = (from: number, to: number) => spans.some((s) => from < s.index + s.text.length && to > s.index);
  const anchors: QueryTime["anchors"] = [];
  for (const m of text.matchAll(ANCHOR)) {
    const phrase = m[2]!.trim();
    const at = m.index! + m[0].indexOf(phrase);
    // "after I moved" is a clause we cannot place without parsing; "after 2020" is already a span.
    if (phrase === "" || CLAUSE_START.test(phrase) || covered(m.index!, at + phrase.length)) continue;
    anchors.push({ side: m[1]!.toLowerCase() as "before" | "after", text: phrase });
  }
  return { spans: dedupe(spans), anchors, asksWhen: ASKS_WHEN.test(text) };
}

function dedupe(spans: TimeSpan[]): TimeSpan[] {
  const seen = new Set<string>();
  return spans.filter((s) => {
    const key = `${s.start}:${s.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
