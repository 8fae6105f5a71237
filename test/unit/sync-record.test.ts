/** @module A team record whose times no calendar holds is a bad record, not applied: one such value makes every list of a store fail (QA). */
import { expect, test } from "bun:test";
import { parseRecord, putRecord } from "../../src/sync/record.ts";
import { testEngine } from "../helpers/engine.ts";

test("a record is read back; one with a time outside 0000–9999 in the memory or a link is refused", () => {
  const { engine, store } = testEngine();
  const m = engine.remember({ content: "deploys go through staging first", type: "decision" }).memory;
  const good = putRecord(store.get(m.id)!, [], 1, "dev-a");
  expect(parseRecord(JSON.stringify(good))).toEqual(JSON.parse(JSON.stringify(good)));
  const withMemory = (patch: Record<string, unknown>) => JSON.stringify({ ...good, memory: { ...(good as { memory: object }).memory, ...patch } });
  for (const bad of [{ eventTime: -9_000_000_000_000_000 }, { createdAt: 1e300 }, { expiresAt: 253_402_300_800_000 }, { updatedAt: "2026-01-01" }, { createdAt: null }]) {
    expect(parseRecord(withMemory(bad))).toBeNull();
  }
  expect(parseRecord(withMemory({ eventTime: null, expiresAt: null }))).not.toBeNull();
  const badLink = { ...good, links: [{ to: "x", relation: "relates_to", weight: 1, createdAt: 9e15, metadata: {} }] };
  expect(parseRecord(JSON.stringify(badLink))).toBeNull();
});
