/**
 * @module Asking for more results lists more after a default recall's ten, never another ten: an agent's recall
 * (limit 10), the page's 20 and the CLI's --limit 50 agree on the first ten, ties in the channels' scores included
 * (QA: on 5,000 generated notes, --limit 20 ranked another top ten).
 */
import { expect, test } from "bun:test";
import { Rng } from "../../bench/rng.ts";
import { testEngine } from "../helpers/engine.ts";

test("the first ten of limits 10, 20 and 50 are the same, on a store full of tied keyword scores", async () => {
  const { engine, advance } = testEngine({ project: "/work/app" });
  const rng = new Rng(1);
  const words = "deploy database kafka redis cache latency migration schema index frontend backend auth token billing invoice queue worker retry timeout pager alert canary rollout".split(" ");
  for (let i = 0; i < 1500; i++) {
    advance(60_000);
    const text = Array.from({ length: 12 }, () => words[Math.floor(rng.next() * words.length)]!).join(" ");
    engine.remember({ content: `Memory number ${i}: ${text}`, type: ["decision", "fact", "note", "lesson"][i % 4]!, project: i % 3 === 2 ? null : "/work/app" });
  }
  const firstTen = async (limit: number) => (await engine.recall({ query: "canary", mode: "keyword", limit, track: false })).results.slice(0, 10).map((r) => r.memory.id);
  const ten = await firstTen(10);
  expect(ten).toHaveLength(10);
  expect(await firstTen(20)).toEqual(ten);
  expect(await firstTen(50)).toEqual(ten);
});
