/** @module Reminders in the engine: due times from `at`/`in`, due versus upcoming on the test clock, done and cancel, briefing. */
import { describe, expect, test } from "bun:test";
import { fromNow, reminderState, reminderToJson } from "../../src/domain/reminder.ts";
import { CairnError, type ErrorCode } from "../../src/errors.ts";
import { T0, testEngine } from "../helpers/engine.ts";
import { codeOf } from "../helpers/errors.ts";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe("remind: creating", () => {
  test("--in is a delay from the engine's clock; the due time is the event time and it never expires", () => {
    const { engine, store } = testEngine();
    const r = engine.remind({ content: "check the canary dashboards", in: "2h" });
    expect(r.status).toBe("created");
    expect(r.reminder).toMatchObject({ type: "reminder", eventTime: T0 + 2 * HOUR, expiresAt: null, project: "/work/app", status: "active" });
    expect(store.get(r.id)!.eventTime).toBe(T0 + 2 * HOUR);
    const [created] = engine.history(r.id).entries;
    expect(created).toMatchObject({ op: "create", detail: { type: "reminder", due_at: "2026-01-01T02:00:00.000Z" } });
  });

  test("--at reads ISO dates and times and `now`; a time up to a minute past still counts as now", () => {
    const { engine } = testEngine();
    expect(engine.remind({ content: "release notes", at: "2026-01-05" }).reminder.eventTime).toBe(Date.parse("2026-01-05T00:00:00Z"));
    expect(engine.remind({ content: "standup", at: "2026-01-01T09:30:00Z" }).reminder.eventTime).toBe(T0 + 9.5 * HOUR);
    expect(engine.remind({ content: "right away", at: "now" }).reminder.eventTime).toBe(T0);
    expect(engine.remind({ content: "typed a moment ago", at: "2025-12-31T23:59:30Z" }).reminder.eventTime).toBe(T0);
  });

  test("the global scope and named projects, like remember", () => {
    const { engine } = testEngine();
    expect(engine.remind({ content: "renew the passport", in: "30d", project: null }).reminder.project).toBeNull();
    expect(engine.remind({ content: "bump the api client", in: "1d", project: "/work/api" }).reminder.project).toBe("/work/api");
  });

  test("the same words due within a minute in the same scope are one reminder; another time is another reminder", () => {
    const { engine, advance } = testEngine();
    const first = engine.remind({ content: "rotate the staging keys", in: "1d" });
    const retry = engine.remind({ content: "Rotate the  staging keys", at: "2026-01-02T00:00:00Z" });
    expect(retry).toMatchObject({ id: first.id, status: "duplicate" });
    advance(20_000);
    expect(engine.remind({ content: "rotate the staging keys", in: "1d" })).toMatchObject({ id: first.id, status: "duplicate" });
    expect(engine.remind({ content: "rotate the staging keys", in: "1d", project: null }).status).toBe("created");
    const later = engine.remind({ content: "rotate the staging keys", in: "2d" });
    expect(later.status).toBe("created");
    expect(later.id).not.toBe(first.id);
    // A plain memory with the same words is not a reminder and does not swallow one.
    engine.remember({ content: "deploy on fridays is forbidden" });
    expect(engine.remind({ content: "deploy on fridays is forbidden", in: "1h" }).status).toBe("created");
  });

  test("bad input is refused with a usage error and stores nothing", () => {
    const { engine } = testEngine();
    const cases: Array<[Parameters<typeof engine.remind>[0], ErrorCode]> = [
      [{ content: "no time" }, "REMIND_WHEN"],
      [{ content: "blank times", at: " ", in: "" }, "REMIND_WHEN"],
      [{ content: "two times", at: "2026-02-01", in: "1d" }, "REMIND_WHEN"],
      [{ content: "yesterday", at: "2025-12-31" }, "REMIND_PAST"],
      [{ content: "relative at means ago", at: "3d" }, "REMIND_PAST"],
      [{ content: "a delay in the past", in: "3d ago" }, "REMIND_DELAY_PAST"],
      // Its own message: the time parser's hint ("3d") would name a time past (QA).
      [{ content: "not a time", at: "next blursday" }, "BAD_DUE_TIME"],
      [{ content: "not on the calendar", at: "2027-02-30" }, "BAD_DUE_TIME"],
      [{ content: "not a delay", in: "soon" }, "BAD_DURATION"],
      [{ content: "absurdly far", in: "999999999y" }, "DURATION_TOO_LONG"],
      [{ content: "   ", in: "1h" }, "EMPTY_REMINDER"],
      [{ content: "x".repeat(2001), in: "1h" }, "REMINDER_TOO_LONG"],
      [{ content: "🔔".repeat(2001), in: "1h" }, "REMINDER_TOO_LONG"],
    ];
    for (const [input, code] of cases) {
      const err = (() => {
        try {
          engine.remind(input);
        } catch (e) {
          return e as CairnError;
        }
        throw new Error(`accepted ${JSON.stringify(input)}`);
      })();
      expect({ input: input.content, code: err.code, usage: err.isUsage }).toEqual({ input: input.content, code, usage: true });
    }
    expect(engine.stats().total).toBe(0);
    // Counted as a person counts them: 2,000 emoji are 2,000 characters (4,000 UTF-16 units).
    expect(engine.remind({ content: "🔔".repeat(2000), in: "1h" }).reminder.content).toHaveLength(4000);
  });

  test("the past-time message says when it was, what now is, and how to give a delay", () => {
    const { engine } = testEngine();
    try {
      engine.remind({ content: "x", at: "3d" });
      throw new Error("accepted");
    } catch (err) {
      const e = err as CairnError;
      expect(e.message).toContain("2025-12-29T00:00:00.000Z");
      expect(e.message).toContain("2026-01-01T00:00:00.000Z");
      expect(e.message).toContain("--in 3d");
      expect(e.forMcp().message).toContain("`in` argument");
      expect(e.forMcp().message).not.toContain("--");
    }
  });
});

describe("remind: due and upcoming", () => {
  test("a reminder is upcoming until its time, then due; due ones come most overdue first", () => {
    const { engine, advance } = testEngine();
    const soon = engine.remind({ content: "look at the nightly build", in: "1h" }).id;
    const later = engine.remind({ content: "write the retro notes", in: "1d" }).id;
    const now = engine.remind({ content: "answer the review comments", at: "now" }).id;
    let r = engine.reminders();
    expect(r.due.map((m) => m.id)).toEqual([now]);
    expect(r.upcoming.map((m) => m.id)).toEqual([soon, later]);
    expect([r.dueTotal, r.upcomingTotal]).toEqual([1, 2]);
    advance(HOUR);
    r = engine.reminders();
    expect(r.due.map((m) => m.id)).toEqual([now, soon]);
    expect(r.upcoming.map((m) => m.id)).toEqual([later]);
    advance(DAY);
    expect(engine.reminders().due.map((m) => m.id)).toEqual([now, soon, later]);
  });

  test("scope: the project plus global by default; another project's only when asked", () => {
    const { engine } = testEngine();
    engine.remind({ content: "here", at: "now" });
    engine.remind({ content: "everywhere", at: "now", project: null });
    engine.remind({ content: "elsewhere", at: "now", project: "/work/api" });
    const texts = (r: { due: Array<{ content: string }> }) => r.due.map((m) => m.content).sort();
    expect(texts(engine.reminders())).toEqual(["everywhere", "here"]);
    expect(texts(engine.reminders({ project: null }))).toEqual(["everywhere"]);
    expect(texts(engine.reminders({ allProjects: true }))).toEqual(["elsewhere", "everywhere", "here"]);
  });

  test("JSON shape and relative wording", () => {
    const { engine } = testEngine();
    const m = engine.remind({ content: "ship it", in: "90m", tags: ["release"] }).reminder;
    expect(reminderToJson(m, T0)).toEqual({
      id: m.id,
      content: "ship it",
      project: "/work/app",
      due_at: "2026-01-01T01:30:00.000Z",
      due: false,
      state: "pending",
      created_at: "2026-01-01T00:00:00.000Z",
      tags: ["release"],
    });
    expect(reminderToJson(m, T0 + 2 * HOUR).due).toBe(true);
    const cases: Array<[number, string]> = [
      [90 * MIN, "in 1h 30m"],
      [2 * HOUR - 20, "in 2h"],
      [-(3 * DAY + HOUR + 5 * MIN), "3d 1h ago"],
      [3 * DAY + 5 * MIN, "in 3d"],
      // Due in 20 s is not due yet (QA: listed under Upcoming as "now"); 20 s past is now.
      [20_000, "in less than a minute"],
      [-20_000, "now"],
      [-45 * MIN, "45m ago"],
    ];
    expect(cases.map(([delta]) => fromNow(T0 + delta, T0))).toEqual(cases.map(([, text]) => text));
  });
});

describe("remind: done and cancel", () => {
  test("done archives it with the time, takes it out of due lists and briefings; again changes nothing", () => {
    const { engine, advance } = testEngine();
    const { id } = engine.remind({ content: "tell the user the migration finished", at: "now" });
    expect(engine.briefing().reminders.map((m) => m.id)).toEqual([id]);
    advance(MIN);
    const short = engine.shortIds([id]).get(id)!;
    const done = engine.closeReminder(short, "done");
    expect(done.changed).toBe(true);
    expect(done.reminder).toMatchObject({ id, status: "archived", metadata: { reminder: { done_at: "2026-01-01T00:01:00.000Z" } } });
    expect(reminderState(done.reminder)).toBe("done");
    expect(engine.reminders().due).toEqual([]);
    expect(engine.briefing().reminders).toEqual([]);
    expect(engine.closeReminder(id, "cancelled")).toMatchObject({ changed: false, reminder: { status: "archived" } });
    expect(reminderState(engine.get(id, { track: false }))).toBe("done");
    expect(engine.history(id).entries.at(-1)).toMatchObject({ op: "forget", detail: { reason: "reminder done" } });
  });

  test("cancel works before the due time; restore reopens a reminder", () => {
    const { engine, advance } = testEngine();
    const { id } = engine.remind({ content: "re-run the flaky suite", in: "1h" });
    const cancelled = engine.closeReminder(id, "cancelled");
    expect(reminderState(cancelled.reminder)).toBe("cancelled");
    advance(2 * HOUR);
    expect(engine.reminders().due).toEqual([]);
    engine.restore(id);
    expect(engine.reminders().due.map((m) => m.id)).toEqual([id]);
    expect(reminderState(engine.get(id, { track: false }))).toBe("pending");
  });

  test("only reminders can be acknowledged; other memories and unknown ids are left alone", () => {
    const { engine } = testEngine();
    const note = engine.remember({ content: "the cache is warmed at boot", type: "fact" }).memory;
    expect(codeOf(() => engine.closeReminder(note.id, "done"))).toBe("NOT_A_REMINDER");
    expect(engine.get(note.id, { track: false })).toMatchObject({ status: "active", metadata: {} });
    expect(codeOf(() => engine.closeReminder("ffffffff", "done"))).toBe("NOT_FOUND");
  });

  test("an edit does not turn a memory into a reminder (it would have no due time)", () => {
    const { engine } = testEngine();
    const task = engine.remember({ content: "Rotate the signing key for the mobile app", type: "task" }).memory;
    expect(codeOf(() => engine.update(task.id, { type: "reminder" }))).toBe("REMINDER_BY_EDIT");
    expect(engine.get(task.id, { track: false })).toEqual(task);
    expect(engine.reminders().due).toEqual([]);
  });

  test("an edit does not leave a reminder without a due time, or due in the past; a later one is fine (QA)", () => {
    const { engine } = testEngine();
    const r = engine.remind({ content: "check the canary dashboards", in: "2h" });
    const before = engine.get(r.id, { track: false });
    for (const eventTime of [null, T0 - DAY]) {
      expect(codeOf(() => engine.update(r.id, { eventTime }))).toBe("REMINDER_DUE_EDIT");
      expect(engine.get(r.id, { track: false })).toEqual(before);
    }
    expect(() => engine.update(r.id, { eventTime: null })).toThrow(/needs a due time still to come \(none given\)/);
    expect(engine.update(r.id, { eventTime: T0 + DAY }).eventTime).toBe(T0 + DAY);
    // Another memory's event time is its own business.
    const note = engine.remember({ content: "the cache is warmed at boot", type: "fact", eventTime: T0 }).memory;
    expect(engine.update(note.id, { eventTime: null }).eventTime).toBeNull();
  });
});

describe("remind: briefing and recall", () => {
  test("the briefing lists due reminders of the project and global only, with the total past the limit", () => {
    const { engine } = testEngine();
    for (let i = 0; i < 4; i++) engine.remind({ content: `due item ${i}`, at: "now" });
    engine.remind({ content: "global due", at: "now", project: null });
    engine.remind({ content: "not yet", in: "1d" });
    engine.remind({ content: "other project", at: "now", project: "/work/api" });
    const b = engine.briefing({ perSection: 3 });
    expect(b.reminders).toHaveLength(3);
    expect(b.remindersDue).toBe(5);
    const all = engine.briefing().reminders.map((m) => m.content).sort();
    expect(all).toEqual(["due item 0", "due item 1", "due item 2", "due item 3", "global due"]);
  });

  test("recall finds a pending reminder by its words, not an acknowledged one", async () => {
    const { engine } = testEngine();
    const { id } = engine.remind({ content: "upgrade the postgres driver before the freeze", in: "2d" });
    const found = await engine.recall({ query: "postgres driver upgrade", track: false });
    expect(found.results.map((h) => h.memory.id)).toEqual([id]);
    engine.closeReminder(id, "done");
    expect((await engine.recall({ query: "postgres driver upgrade", track: false })).results).toEqual([]);
  });
});

test("remembering the words of a pending reminder stores a note and leaves the reminder as it is", () => {
  const { engine } = testEngine();
  const reminder = engine.remind({ content: "call the bank about the wire", in: "1h" });
  const note = engine.remember({ content: "call the bank about the wire" });
  expect(note.status).toBe("created");
  expect(note.id).not.toBe(reminder.id);
  expect(engine.get(reminder.id, { track: false }).accessCount).toBe(0);
});
