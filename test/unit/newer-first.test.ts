/** @module Recency between neighbours, and questions about the past reaching superseded memories. */
import { expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import { asksAboutThePast } from "../../src/retrieve/asks-past.ts";
import type { FusedHit } from "../../src/retrieve/fusion.ts";
import { newerFirst } from "../../src/retrieve/newer-first.ts";
import { T0, testEngine } from "../helpers/engine.ts";

const DAY = 86_400_000;
function hit(id: string, content: string, score: number, createdAt: number, extra: Partial<Memory> = {}): FusedHit {
  return { memory: { id, content, createdAt, project: "app", type: "fact", sessionId: null, ...extra } as Memory, score, channels: {}, weak: false };
}
const ids = (hits: FusedHit[]) => hits.map((h) => h.memory.id);

test("a later statement on the same subject right below an earlier one goes first", () => {
  const old = hit("old", "Release builds are signed on the mac-mini runner with the team certificate", 1, 0);
  const neu = hit("new", "Release builds are signed by the cloud signing service; the team certificate was revoked", 0.7, 40 * DAY);
  expect(ids(newerFirst([old, neu], 10))).toEqual(["new", "old"]);
});

test("nothing moves for another subject, a much weaker match, a session turn, another project or a non-neighbour", () => {
  const old = hit("old", "Release builds are signed on the mac-mini runner with the team certificate", 1, 0);
  const cases: FusedHit[] = [
    hit("new", "The mac-mini needs a reboot every week", 0.9, 40 * DAY),
    hit("new", "Release builds are signed by the cloud signing service; the team certificate was revoked", 0.3, 40 * DAY),
    hit("new", "Release builds are signed by the cloud signing service; the team certificate was revoked", 0.9, 40 * DAY, { type: "note", sessionId: "s1" }),
    hit("new", "Release builds are signed by the cloud signing service; the team certificate was revoked", 0.9, 40 * DAY, { project: "other" }),
  ];
  for (const c of cases) expect(ids(newerFirst([old, c], 10))).toEqual(["old", "new"]);
  const between = hit("mid", "Unrelated: the wiki lives in Notion", 0.95, 10 * DAY);
  const later = hit("new", "Release builds are signed by the cloud signing service; the team certificate was revoked", 0.9, 40 * DAY);
  expect(ids(newerFirst([old, between, later], 10))).toEqual(["old", "mid", "new"]);
});

test("a question naming a past time or asking what came before reaches superseded memories; others do not", async () => {
  expect(asksAboutThePast("which runner did we use in March?", T0)).toBe(true);
  expect(asksAboutThePast("how did we deploy before the migration", T0)).toBe(true);
  expect(asksAboutThePast("which runner do we use", T0)).toBe(false);
  const { engine, advance } = testEngine();
  const old = engine.remember({ content: "The docs are published with Jekyll", type: "decision" });
  advance(60 * DAY);
  engine.remember({ content: "We migrated the docs from Jekyll to Hugo", type: "decision" });
  expect(engine.get(old.id).status).toBe("superseded");
  advance(DAY);
  const now = await engine.recall({ query: "docs Jekyll", track: false });
  expect(now.results.map((r) => r.memory.id)).not.toContain(old.id);
  const past = await engine.recall({ query: "what published the docs before the migration? Jekyll?", track: false });
  expect(past.results.map((r) => r.memory.id)).toContain(old.id);
});

test("with event times, neighbours written a second apart about times months apart are ordered by them; not for a query naming a time", () => {
  const old = hit("old", "Release builds are signed on the mac-mini runner with the team certificate", 1, 0, { eventTime: -140 * DAY });
  const neu = hit("new", "Release builds are signed by the cloud signing service; the team certificate was revoked", 0.7, 1000, { eventTime: -5 * DAY });
  expect(ids(newerFirst([old, neu], 10, true))).toEqual(["new", "old"]);
  expect(ids(newerFirst([old, neu], 10))).toEqual(["old", "new"]);
});
