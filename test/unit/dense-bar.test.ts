/**
 * @module The dense bar calibrated per query: one of the best few matches below the model's fixed bar passes
 * when it stands out from the query's other candidates, and --explain says so; a flat list stays weak.
 */
import { expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import type { ChannelHit } from "../../src/retrieve/channel.ts";
import { passStandouts, STANDOUT_Z } from "../../src/retrieve/dense-bar.ts";
import { explainJson, explainText } from "../../src/retrieve/explain.ts";
import { fuse } from "../../src/retrieve/fusion.ts";

const hit = (id: string, score: number, bar = 0.3): ChannelHit => ({ memory: { id } as Memory, score, ...(score < bar ? { weak: true } : {}) });

test("a best match below the fixed bar passes when it stands out from the query's candidates", () => {
  const hits = [hit("answer", 0.26), ...Array.from({ length: 9 }, (_, i) => hit(`noise${i}`, 0.1 - i * 0.005))];
  passStandouts(hits);
  expect(hits[0]!.weak).toBeUndefined();
  expect(hits[0]!.standout!).toBeGreaterThanOrEqual(STANDOUT_Z);
  expect(hits.slice(1).every((h) => h.weak === true)).toBe(true);
});

test("a flat list (nothing stands out) stays weak, and only the best few may pass", () => {
  const flat = Array.from({ length: 10 }, (_, i) => hit(`m${i}`, i < 5 ? 0.21 : 0.19));
  passStandouts(flat);
  expect(flat.every((h) => h.weak === true && h.standout === undefined)).toBe(true);
  // Fourth best stands out as much as the first three, but only the best three are considered.
  const four = [hit("a", 0.29), hit("b", 0.29), hit("c", 0.29), hit("d", 0.29), ...Array.from({ length: 16 }, (_, i) => hit(`n${i}`, 0.05))];
  passStandouts(four);
  expect(four.map((h) => h.weak === true)).toEqual([false, false, false, true, ...Array(16).fill(true)]);
  // Too few candidates to tell: unchanged.
  const short = [hit("a", 0.29), hit("b", 0.01)];
  passStandouts(short);
  expect(short[0]!.weak).toBe(true);
});

test("--explain says a dense match was kept below the model's bar, and by how much it stood out", () => {
  const hits = [hit("answer", 0.26), ...Array.from({ length: 9 }, (_, i) => hit(`noise${i}`, 0.1 - i * 0.005))];
  passStandouts(hits);
  const fused = fuse([{ channel: "dense", weight: 1, hits }]).filter((f) => !f.weak);
  expect(fused.map((f) => f.memory.id)).toEqual(["answer"]);
  expect(explainText({ ...fused[0]!, lifts: {} })).toContain("below the model's bar, kept:");
  expect(explainJson({ ...fused[0]!, lifts: {} })).toMatchObject({ channels: { dense: { standout_sd: expect.any(Number) } } });
});
