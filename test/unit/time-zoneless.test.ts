/** @module A date or date-time given without a zone is UTC, whatever the process's TZ, as a date alone always was (domain/time.ts). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseOptionalUntil, parseTime } from "../../src/domain/time.ts";

const iso = (text: string) => new Date(parseTime(text, Date.UTC(2026, 11, 1))).toISOString();

describe("zone-less times", () => {
  const before = process.env.TZ;
  // 14 hours ahead of UTC: a date-time read as local time lands on the day before (QA).
  beforeAll(() => (process.env.TZ = "Pacific/Kiritimati"));
  afterAll(() => (before === undefined ? delete process.env.TZ : (process.env.TZ = before)));

  test("the process's zone is far from UTC here (else this test proves nothing)", () => {
    expect(new Date(Date.UTC(2027, 0, 10)).getTimezoneOffset()).toBe(-14 * 60);
  });

  test("a date and its midnight are one instant; an ISO date-time without an offset is UTC", () => {
    expect(iso("2027-01-10")).toBe("2027-01-10T00:00:00.000Z");
    expect(iso("2027-01-10T00:00:00")).toBe("2027-01-10T00:00:00.000Z");
    expect(iso("2026-12-20T09:00")).toBe("2026-12-20T09:00:00.000Z");
    expect(iso("2026-12-20 09:00:00")).toBe("2026-12-20T09:00:00.000Z");
    expect(iso("2026-12-20T09:00:00.250")).toBe("2026-12-20T09:00:00.250Z");
  });

  test("other forms Date reads are UTC too, unless they name a zone", () => {
    expect(iso("8 May 2023")).toBe("2023-05-08T00:00:00.000Z");
    expect(iso("May 8, 2023 10:00")).toBe("2023-05-08T10:00:00.000Z");
    expect(iso("8 May 2023 10:00 GMT+2")).toBe("2023-05-08T08:00:00.000Z");
    expect(iso("Mon, 08 May 2023 10:00:00 +0200")).toBe("2023-05-08T08:00:00.000Z");
  });

  test("an offset or Z given is kept", () => {
    expect(iso("2026-12-20T09:00:00+02:00")).toBe("2026-12-20T07:00:00.000Z");
    expect(iso("2026-12-20T09:00:00Z")).toBe("2026-12-20T09:00:00.000Z");
  });

  test("--until with a date-time ends at that UTC time", () => {
    expect(parseOptionalUntil("2026-12-20T09:00", 0)).toBe(Date.UTC(2026, 11, 20, 9));
  });
});
