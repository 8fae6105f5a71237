/** @module --explain: each channel's contribution and the session lifts add up to the score, in text and JSON. */
import { expect, test } from "bun:test";
import { explainJson, explainText } from "../../src/retrieve/explain.ts";
import { testEngine } from "../helpers/engine.ts";

const DAY = 86_400_000;

test("contributions of every channel plus session lifts add up to the score", async () => {
  const { engine, clock } = testEngine();
  const t = clock.now;
  for (const [content, session, ago] of [
    ["The nightly backup job failed again", "s1", 1],
    ["It ran out of disk on the backup volume", "s1", 1],
    ["Backup retention is thirty days", "s2", 40],
    ["Lunch order for the offsite", "s3", 1],
  ] as const) {
    engine.remember({ content, sessionId: session, eventTime: t - ago * DAY });
  }
  const r = await engine.recall({ query: "backup failed yesterday", limit: 5, track: false });
  expect(r.channels).toEqual(["keyword", "time"]);
  for (const hit of r.results) {
    const sum = Object.values(hit.channels).reduce((a, c) => a + c.contribution, 0) + Object.values(hit.lifts).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(hit.score, 10);
  }
  const first = r.results[0]!;
  expect(first.memory.content).toBe("The nightly backup job failed again");
  expect(Object.keys(first.channels).sort()).toEqual(["keyword", "time"]);
  expect(first.channels.time!.contribution).toBeGreaterThan(0);
  // The answer next to the best match joined through session context, with no channel of its own.
  const neighbour = r.results.find((h) => h.memory.content.startsWith("It ran out of disk"))!;
  expect(neighbour.lifts.neighbour).toBeGreaterThan(0);
});

test("text shows rank, raw score and signed contribution per channel, then lifts", () => {
  const line = explainText({
    channels: { keyword: { rank: 1, score: 8.2144, contribution: 0.7 }, time: { rank: 2, score: 1, contribution: 0.3 } },
    lifts: { session: 1, neighbour: 0 },
  });
  expect(line).toBe("keyword #1 8.214 +0.700 · time #2 1.000 +0.300 · session +1.000");
  const short = (id: string) => id.slice(-8);
  expect(explainText({ channels: {}, lifts: { session: 0.5 }, duplicateOf: "0123456789abcdef" }, short)).toBe("session +0.500 · near-duplicate of 89abcdef");
  expect(explainText({ channels: {}, lifts: {}, updates: "0123456789abcdef" }, short)).toBe("updates 89abcdef, moved ahead of it");
});

test("JSON keeps every part, rounded, in snake_case", () => {
  expect(
    explainJson({ channels: { dense: { rank: 3, score: 0.612345, contribution: 0.271234 } }, lifts: { session: 1 }, duplicateOf: "abc" }),
  ).toEqual({ channels: { dense: { rank: 3, score: 0.6123, contribution: 0.2712 } }, lifts: { session: 1 }, duplicate_of: "abc" });
});
