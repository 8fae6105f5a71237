/** @module The dense channel's partial ranking agrees with a full sort. */
import { expect, test } from "bun:test";
import { topIndices } from "../../src/retrieve/dense-channel.ts";

test.each([1, 7, 100, 999, 1000, 1500])("top %i of 1000 scores equals the head of a full sort", (count) => {
  let seed = 7;
  const scores = new Float32Array(1000).map(() => (seed = (seed * 16807) % 2147483647) / 2147483647);
  scores[10] = scores[20]!; // a tie
  const full = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
  const top = topIndices(scores, count);
  expect(top.length).toBe(Math.min(count, 1000));
  expect(top.map((i) => scores[i])).toEqual(full.slice(0, count).map((i) => scores[i]));
});

test.each([[1, 1000], [7, 1000], [50, 1000], [30, 4000]])("top %i of %i scores with many ties and a key: the same rows and order as a full sort", (count, n) => {
  let seed = 11;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const scores = new Float32Array(n).map(() => Math.round(rand() * 40) / 40); // 41 distinct values
  const key = Float64Array.from({ length: n }, () => Math.floor(rand() * 1e6));
  const full = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || key[a]! - key[b]!);
  expect(topIndices(scores, count, key)).toEqual(full.slice(0, count));
  const byRow = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  expect(topIndices(scores, count)).toEqual(byRow.slice(0, count));
});
