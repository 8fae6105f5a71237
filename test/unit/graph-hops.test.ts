/** @module The graph in recall: a strong hit brings the memories linked to it, just below it, and says why. */
import { expect, test } from "bun:test";
import { explainText } from "../../src/retrieve/explain.ts";
import type { FusedHit } from "../../src/retrieve/fusion.ts";
import { GRAPH_WEIGHT, hopSources, liftByLinks, linksToFollow, PER_SOURCE } from "../../src/retrieve/graph-hops.ts";
import type { Memory } from "../../src/domain/memory.ts";
import { testEngine } from "../helpers/engine.ts";

const ERROR = "Ledger client throws UNAVAILABLE: io exception on channel shutdown during the nightly settlement run";
const FIX = "Pinned grpc-java to 1.58 in build.gradle; the newer netty shaded jar closed idle connections early";

function withFiller(engine: ReturnType<typeof testEngine>["engine"]): void {
  for (let i = 0; i < 12; i++) engine.remember({ content: `Settlement report ${i} goes to the finance share every morning at seven` });
  engine.remember({ content: "Channel naming: prefix every Slack channel with the team name" });
}

test("a linked fix joins just below the error it fixes, although it shares no word with the query", async () => {
  const { engine } = testEngine();
  withFiller(engine);
  const error = engine.remember({ content: ERROR }).memory!.id;
  const fix = engine.remember({ content: FIX }).memory!.id;
  const query = "UNAVAILABLE io exception on channel shutdown";

  const before = await engine.recall({ query, track: false });
  expect(before.results.map((r) => r.memory.id)).not.toContain(fix);

  engine.relate(fix, error, "fixes");
  const after = await engine.recall({ query, track: false });
  const ids = after.results.map((r) => r.memory.id);
  expect(ids[0]).toBe(error);
  expect(ids[1]).toBe(fix);
  const hit = after.results[1]!;
  expect(hit.score).toBeCloseTo(GRAPH_WEIGHT * after.results[0]!.score, 10);
  expect(hit.lifts.graph).toBeCloseTo(hit.score, 10);
  expect(hit.linked).toEqual({ from: error, relation: "fixes", outgoing: false });
  expect(explainText(hit, (id) => id.slice(0, 4))).toContain(`linked: this fixes ${error.slice(0, 4)}`);
  // The error itself was not lifted by its own link back from the fix (the fix scores below it).
  expect(after.results[0]!.linked).toBeUndefined();
});

test("a superseded or out-of-scope partner stays out", async () => {
  const { engine } = testEngine();
  withFiller(engine);
  const error = engine.remember({ content: ERROR, project: "ledger" }).memory!.id;
  const other = engine.remember({ content: FIX, project: "billing" }).memory!.id;
  engine.relate(other, error, "fixes");
  const scoped = await engine.recall({ query: "UNAVAILABLE io exception", project: "ledger", track: false });
  expect(scoped.results.map((r) => r.memory.id)).toEqual([error]);

  const old = engine.remember({ content: "Old fix: restart the ledger pod by hand", project: "ledger" }).memory!.id;
  engine.relate(old, error, "fixes");
  const newer = engine.remember({ content: "Pods restart themselves through the liveness probe now", project: "ledger" }).memory!.id;
  engine.relate(newer, old, "supersedes");
  const r = await engine.recall({ query: "UNAVAILABLE io exception", project: "ledger", track: false });
  expect(r.results.map((h) => h.memory.id)).not.toContain(old);
});

const hit = (id: string, score: number, createdAt = 0): FusedHit => ({
  memory: { id, createdAt } as Memory,
  score,
  channels: {},
  weak: false,
});

test("only strong hits among the first five bring partners, at most a few each, newest links first", () => {
  const hits = [hit("a", 1), hit("b", 0.6), hit("c", 0.4), hit("d", 0.3)];
  expect(hopSources(hits).map((h) => h.memory.id)).toEqual(["a", "b"]);
  const links = Array.from({ length: 6 }, (_, i) => ({ id: "a", other: `p${i}`, relation: "part_of" as const, outgoing: false, createdAt: i }));
  const follow = linksToFollow(hopSources(hits), [...links, { id: "c", other: "x", relation: "fixes", outgoing: false, createdAt: 9 }]);
  expect(follow.map((l) => l.other)).toEqual(["p5", "p4", "p3"].slice(0, PER_SOURCE));
});

test("a partner already ranked above its lift keeps its own score; two sources lift once, to the better", () => {
  const hits = [hit("a", 1), hit("b", 0.8), hit("z", 0.95)].sort((x, y) => y.score - x.score);
  const follow = [
    { id: "a", other: "z", relation: "relates_to" as const, outgoing: true, createdAt: 1 },
    { id: "b", other: "n", relation: "caused_by" as const, outgoing: true, createdAt: 1 },
    { id: "a", other: "n", relation: "caused_by" as const, outgoing: true, createdAt: 2 },
  ];
  const { hits: out, hops } = liftByLinks(hits, follow, [{ id: "n", createdAt: 0 } as Memory]);
  expect(out.map((h) => [h.memory.id, h.score])).toEqual([
    ["a", 1],
    ["z", 0.95],
    ["n", GRAPH_WEIGHT],
    ["b", 0.8],
  ]);
  expect(hops.get("n")).toEqual({ from: "a", relation: "caused_by", outgoing: true });
  expect(hops.has("z")).toBe(false);
  expect(out.find((h) => h.memory.id === "n")!.lifts).toEqual({ graph: GRAPH_WEIGHT });
});
