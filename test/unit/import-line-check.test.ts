/** @module The import line fast path accepts only what the schema accepts, unchanged; the rest goes to the schema. */
import { expect, test } from "bun:test";
import { ImportLine, MAX_IMPORT_LINKS } from "../../src/engine/import-parse.ts";
import { plainImportLine } from "../../src/engine/import-line-check.ts";
import { Rng } from "../../bench/rng.ts";

const VALUES: unknown[] = [
  "x", "", "2024-01-02T03:04:05Z", 0, 1, -1, 2.5, 1e300, 2 ** 53, null, true, [], ["a"], ["a", 1], {}, { a: 1 }, [{}],
  "active", "archived", "gone", "a".repeat(100), "a".repeat(101),
  [{ relation: "fixes", to: "m1" }], [{ relation: "fixes", to: "" }], [{ relation: "fixes", to: "m1", extra: 1 }],
  [{ relation: 3, to: "m1" }], [{ relation: "fixes", to: "m1", created_at: "2024-01-01" }], [{ relation: "x", to: "m", created_at: {} }],
  [{ relation: "contradicts", to: "m1", possible: true }], [{ relation: "contradicts", to: "m1", possible: "yes" }],
];
const KEYS = [
  "content", "type", "tags", "project", "event_time", "metadata", "id", "created_at", "updated_at", "expires_at", "priority",
  "status", "superseded_by", "session_id", "agent", "source", "access_count", "last_accessed_at", "links", "unknown_key",
];

test("every line the fast path accepts, the schema accepts as an equal value (5,000 random lines)", () => {
  const rng = new Rng(1302);
  let fast = 0;
  for (let i = 0; i < 5000; i++) {
    const line: Record<string, unknown> = rng.chance(0.9) ? { content: rng.chance(0.95) ? "some text" : 5 } : {};
    for (let k = rng.int(0, 6); k > 0; k--) line[rng.pick(KEYS)] = rng.pick(VALUES);
    const json = JSON.parse(JSON.stringify(line));
    if (!plainImportLine(json, MAX_IMPORT_LINKS)) continue;
    fast++;
    const parsed = ImportLine.safeParse(json);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(json);
  }
  expect(fast).toBeGreaterThan(500);
});

test("lines the schema refuses never take the fast path", () => {
  const bad = [
    { content: "x", nope: 1 }, { content: 1 }, { content: "x", priority: 1.5 }, { content: "x", access_count: -1 },
    { content: "x", status: "deleted" }, { content: "x", id: "" }, { content: "x", links: Array(MAX_IMPORT_LINKS + 1).fill({ relation: "fixes", to: "m" }) },
    { content: "x", metadata: [] }, { content: "x", tags: [1] }, { content: "x", event_time: {} }, ["content"], null,
  ];
  for (const json of bad) {
    expect(ImportLine.safeParse(json).success).toBe(false);
    expect(plainImportLine(json, MAX_IMPORT_LINKS)).toBe(false);
  }
});
