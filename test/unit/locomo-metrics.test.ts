/** @module The LoCoMo benchmark's metrics and data cleaning, on hand-made examples (never on LoCoMo data). */
import { describe, expect, test } from "bun:test";
import { cleanEvidence, parseSessionDate } from "../../bench/locomo/dataset.ts";
import { aggregate, percentile, scoreQuestion } from "../../bench/locomo/metrics.ts";

describe("scoreQuestion", () => {
  test("turn recall counts gold turns in the top k; session recall counts distinct sessions", () => {
    const ranked = [["D1:1"], ["D2:5"], ["D1:2"], ["D3:1"], ["D2:6"], ["D4:1"]];
    const s = scoreQuestion(1, ranked, ["D2:5", "D4:1"]);
    expect(s.turn[5]).toBe(0.5);
    expect(s.turn[10]).toBe(1);
    expect(s.session[1]).toBe(0); // D1 first
    expect(s.session[2]).toBe(0.5); // D1, D2
    expect(s.mrr).toBe(0.5);
    const ideal = 1 + 1 / Math.log2(3);
    expect(s.ndcg10).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(7)) / ideal, 10);
  });

  test("a memory standing for several identical turns counts all of them", () => {
    expect(scoreQuestion(4, [["D1:1", "D5:2"]], ["D5:2"]).turn[5]).toBe(1);
  });

  test("nothing retrieved scores zero", () => {
    expect(scoreQuestion(2, [], ["D1:1"])).toMatchObject({ mrr: 0, ndcg10: 0, turn: { 5: 0, 50: 0 } });
  });

  test("aggregate is question-weighted", () => {
    const a = aggregate([scoreQuestion(1, [["D1:1"]], ["D1:1"]), scoreQuestion(1, [], ["D1:1"]), scoreQuestion(1, [], ["D1:1"])]);
    expect(a.n).toBe(3);
    expect(a.turn[5]).toBeCloseTo(1 / 3, 10);
  });
});

describe("dataset cleaning", () => {
  test("splits multi-id evidence and drops malformed or unknown ids", () => {
    const known = new Set(["D8:6", "D9:17", "D1:1"]);
    expect(cleanEvidence(["D8:6; D9:17", "D", "D:11:26", "D10:19", "D1:1"], known)).toEqual(["D8:6", "D9:17", "D1:1"]);
  });
  test("reads session dates", () => {
    expect(parseSessionDate("1:56 pm on 8 May, 2023")).toBe(Date.UTC(2023, 4, 8, 13, 56));
    expect(parseSessionDate("12:09 am on 13 September, 2023")).toBe(Date.UTC(2023, 8, 13, 0, 9));
    expect(() => parseSessionDate("sometime")).toThrow();
  });
  test("percentile", () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([], 50)).toBe(0);
  });
});
