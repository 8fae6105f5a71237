/** @module Reading time expressions against a fixed clock: queries ("last week", "in May 2023") and memory text. */
import { describe, expect, test } from "bun:test";
import { analyzeQueryTime } from "../../src/retrieve/query-time.ts";
import { findTimeSpans, mentionsTime } from "../../src/retrieve/time-expr.ts";

// Monday 8 May 2023, 13:56 UTC.
const NOW = Date.UTC(2023, 4, 8, 13, 56);
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The first span found, as [start day, end day) in ISO dates. */
const first = (text: string, ref = NOW) => {
  const s = findTimeSpans(text, ref)[0];
  return s ? [iso(s.start), iso(s.end)] : null;
};

describe("relative expressions read against the reference time", () => {
  test.each([
    ["what did we decide yesterday", ["2023-05-07", "2023-05-08"]],
    ["the deploy today", ["2023-05-08", "2023-05-09"]],
    ["last night", ["2023-05-07", "2023-05-08"]],
    ["tomorrow's meeting", ["2023-05-09", "2023-05-10"]],
    ["last week", ["2023-05-01", "2023-05-08"]],
    ["this week", ["2023-05-08", "2023-05-15"]],
    ["last weekend", ["2023-05-06", "2023-05-08"]],
    ["last month", ["2023-04-01", "2023-05-01"]],
    ["next month", ["2023-06-01", "2023-07-01"]],
    ["last year", ["2022-01-01", "2023-01-01"]],
    ["3 days ago", ["2023-05-05", "2023-05-06"]],
    ["two weeks ago", ["2023-04-24", "2023-05-01"]],
    ["a couple of weeks ago", ["2023-04-24", "2023-05-01"]],
    ["two weekends ago", ["2023-04-29", "2023-05-01"]],
    ["in two weeks", ["2023-05-22", "2023-05-29"]],
    ["last Friday", ["2023-05-05", "2023-05-06"]],
    ["on Friday", ["2023-05-05", "2023-05-06"]],
    ["the past week", ["2023-05-01", "2023-05-08"]],
  ])("%p", (text, want) => {
    expect(first(text)).toEqual(want);
  });
});

describe("absolute dates", () => {
  test.each([
    ["in May 2023", ["2023-05-01", "2023-06-01"]],
    ["What happened in April 2022?", ["2022-04-01", "2022-05-01"]],
    ["on 8 May, 2023", ["2023-05-08", "2023-05-09"]],
    ["on May 3, 2023", ["2023-05-03", "2023-05-04"]],
    ["December 1,2023", ["2023-12-01", "2023-12-02"]],
    ["8th December, 2023", ["2023-12-08", "2023-12-09"]],
    ["2023-05-01", ["2023-05-01", "2023-05-02"]],
    ["in 2022", ["2022-01-01", "2023-01-01"]],
    ["summer 2021", ["2021-06-01", "2021-09-01"]],
    ["the week before 16 November 2023", ["2023-11-09", "2023-11-16"]],
    ["two weeks before August 11, 2023", ["2023-07-28", "2023-08-11"]],
    ["the Sunday before October 25, 2022", ["2022-10-23", "2022-10-24"]],
    ["the weekend before April 10, 2023", ["2023-04-08", "2023-04-10"]],
    ["between August 11 and August 15 2023", ["2023-08-11", "2023-08-16"]],
    ["the beginning of November 2022", ["2022-11-01", "2022-11-11"]],
  ])("%p", (text, want) => {
    expect(first(text)).toEqual(want);
  });

  test("a month or date without a year means that month in each recent year", () => {
    const spans = findTimeSpans("camping in June", NOW);
    expect(spans.map((s) => iso(s.start))).toContain("2022-06-01");
    expect(spans.map((s) => iso(s.start))).toContain("2023-06-01");
    expect(spans.every((s) => new Date(s.start).getUTCMonth() === 5)).toBe(true);
  });

  test("last summer is the latest one already over; this summer the coming one", () => {
    expect(first("last summer")).toEqual(["2022-06-01", "2022-09-01"]);
    expect(first("this summer")).toEqual(["2023-06-01", "2023-09-01"]);
  });
});

describe("words that only look like times are left alone", () => {
  test.each(["this may be it", "summer breeze", "I fall asleep", "I have 20 dogs", "march forward", "version 2022.1 released"])("%p", (text) => {
    expect(findTimeSpans(text, NOW)).toEqual([]);
  });
});

test("memory text is read against the memory's own time", () => {
  const written = day(2023, 7, 17) + 14 * 3_600_000;
  expect(first("Last weekend I joined a mentorship program", written)).toEqual(["2023-07-15", "2023-07-17"]);
});

test("durations count as saying when, without a span", () => {
  expect(mentionsTime("I've had them for 3 years now")).toBe(true);
  expect(mentionsTime("Seven years now, and I love it")).toBe(true);
  expect(mentionsTime("since I was 17")).toBe(true);
  expect(mentionsTime("They bring me tons of joy")).toBe(false);
});

describe("analyzeQueryTime", () => {
  test("finds when-questions", () => {
    expect(analyzeQueryTime("When did Melanie paint a sunrise?", NOW).asksWhen).toBe(true);
    expect(analyzeQueryTime("How long has Nate had his turtles?", NOW).asksWhen).toBe(true);
    expect(analyzeQueryTime("What year did John start surfing?", NOW).asksWhen).toBe(true);
    expect(analyzeQueryTime("What did Melanie paint?", NOW).asksWhen).toBe(false);
  });

  test("before/after an event is an anchor; before/after a date is a span", () => {
    const q = analyzeQueryTime("When did Melanie go on a hike after the roadtrip?", NOW);
    expect(q.anchors).toEqual([{ side: "after", text: "the roadtrip" }]);
    const d = analyzeQueryTime("What did we ship after 2 May 2023?", NOW);
    expect(d.anchors).toEqual([]);
    expect(d.spans.length).toBe(1);
  });

  test("one span per distinct window", () => {
    expect(analyzeQueryTime("yesterday, I mean yesterday", NOW).spans.length).toBe(1);
  });
});
