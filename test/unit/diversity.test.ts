/** @module Near-duplicates step back so the top-k holds distinct memories; similar-but-different ones stay. */
import { expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import { rankOrderScores } from "../../src/engine/recall.ts";
import { demoteNearDuplicates, jaccard } from "../../src/retrieve/diversity.ts";
import type { FusedHit } from "../../src/retrieve/fusion.ts";
import { testEngine } from "../helpers/engine.ts";

const hit = (id: string, content: string, score: number): FusedHit => ({ memory: { id, content } as Memory, score, channels: {}, weak: false });

test("a near-copy of a better result moves behind the distinct ones", () => {
  const hits = [
    hit("a", "The deploy failed because the disk on build-3 was full", 3),
    hit("b", "The deploy failed because the disk on build-3 was full!", 2.9),
    hit("c", "Rotate the API keys every quarter", 1),
  ];
  const { hits: out, demoted } = demoteNearDuplicates(hits, 2);
  expect(out.map((h) => h.memory.id)).toEqual(["a", "c", "b"]);
  expect(demoted.get("b")).toEqual({ duplicateOf: "a" });
});

test("similar but different memories keep their places", () => {
  const hits = [
    hit("a", "The deploy failed because the disk on build-3 was full", 3),
    hit("b", "The deploy failed because the network on build-7 timed out", 2.9),
    hit("c", "Rotate the API keys every quarter", 1),
  ];
  expect(demoteNearDuplicates(hits, 2).hits.map((h) => h.memory.id)).toEqual(["a", "b", "c"]);
});

test("two values of one thing are no copies: another number keeps its place (QA: Python 3.11 fell behind unrelated notes)", () => {
  const hits = [
    hit("a", "Python 3.12 is required for the data pipeline", 3),
    hit("b", "Python 3.11 is required for the data pipeline", 2.9),
    hit("c", "Code review needs two approvals", 1),
  ];
  const { hits: out, demoted } = demoteNearDuplicates(hits, 2);
  expect(out.map((h) => h.memory.id)).toEqual(["a", "b", "c"]);
  expect(demoted.size).toBe(0);
});

test("with nothing distinct left, duplicates still fill the list", () => {
  const hits = [hit("a", "same words here", 2), hit("b", "same words here", 1)];
  expect(demoteNearDuplicates(hits, 2).hits.map((h) => h.memory.id)).toEqual(["a", "b"]);
});

test("jaccard of word sets", () => {
  expect(jaccard(new Set(["a", "b"]), new Set(["a", "b"]))).toBe(1);
  expect(jaccard(new Set(["a", "b"]), new Set(["b", "c"]))).toBeCloseTo(1 / 3, 10);
});

test("recall does not spend the top-k on near-identical memories", async () => {
  const { engine, advance } = testEngine();
  // Not exact duplicates (those merge on write): one word differs.
  engine.remember({ content: "pnpm install fails with EACCES on the cache directory in CI" });
  advance(1000);
  engine.remember({ content: "pnpm install fails with EACCES on the cache directory in CI today" });
  advance(1000);
  engine.remember({ content: "pnpm store path is set in .npmrc for CI runners" });
  const r = await engine.recall({ query: "pnpm install EACCES cache CI", limit: 2, track: false });
  expect(r.results.map((x) => x.memory.content)).toContain("pnpm store path is set in .npmrc for CI runners");
});

test("scores read in rank order: a near-copy that stepped back takes the score above it, a result moved ahead the best it passed (QA)", () => {
  const stepped = [{ score: 0.94 }, { score: 0.56 }, { score: 0.936, duplicateOf: "a" }, { score: 0.2 }];
  rankOrderScores(stepped);
  expect(stepped.map((r) => r.score)).toEqual([0.94, 0.56, 0.56, 0.2]);
  const moved = [{ score: 0.4 }, { score: 0.9 }, { score: 0.3 }];
  rankOrderScores(moved);
  expect(moved.map((r) => r.score)).toEqual([0.9, 0.9, 0.3]);
});
