/** @module Later statements first by the fitted model: which pairs are weighed, what is weighed, what moves and what --explain says. */
import { afterEach, expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import type { EmbedKind, Embedder } from "../../src/embed/port.ts";
import { Engine } from "../../src/engine/engine.ts";
import { cairnError } from "../../src/errors.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import { explainJson, explainText } from "../../src/retrieve/explain.ts";
import type { FusedHit } from "../../src/retrieve/fusion.ts";
import { BELOW, laterFirst, laterTap } from "../../src/retrieve/later-first.ts";
import { LATER_BAR, LATER_FEATURES, LATER_MODEL, laterFeatures, laterGoesFirst, laterLikelihood, MOVE_BAR, MOVE_MODEL } from "../../src/retrieve/later-model.ts";
import { queryTerms } from "../../src/retrieve/terms.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { T0 } from "../helpers/engine.ts";

const DAY = 86_400_000;
function hit(id: string, content: string, score: number, createdAt: number, extra: Partial<Memory> = {}, channels: FusedHit["channels"] = {}): FusedHit {
  return { memory: { id, content, createdAt, project: "app", type: "fact", sessionId: null, tags: [], ...extra } as Memory, score, channels, weak: false };
}
const ids = (hits: FusedHit[]) => hits.map((h) => h.memory.id);
const unit = (i: number) => {
  const v = new Float32Array(12);
  v[i] = 1;
  return v;
};
const vectorsFor = (hits: FusedHit[]) => new Map(hits.map((h, i) => [h.memory.id, unit(i)]));

afterEach(() => {
  delete laterTap.decide;
});

test("the model holds one weight per feature, and its bar is a likelihood", () => {
  for (const v of [LATER_MODEL.mu, LATER_MODEL.sd, LATER_MODEL.w, MOVE_MODEL.mu, MOVE_MODEL.sd, MOVE_MODEL.w]) expect(v.length).toBe(LATER_FEATURES.length);
  expect(LATER_BAR).toBeGreaterThan(0);
  expect(LATER_BAR).toBeLessThan(1);
});

test("a pair's features say how close the two are, what they share and cover, and where they stand", () => {
  const terms = queryTerms("which queue carries webhooks");
  const weights = terms.map(() => 1);
  // Positions 0 (earlier), 1 (an unrelated third), 2 (later).
  const sims = [
    [1, 0.2, 0.7],
    [0.2, 1, 0.3],
    [0.7, 0.3, 1],
  ];
  const older = hit("old", "Webhooks go through the Redis queue", 1, 0);
  const newer = hit("new", "Webhooks now go through the SQS queue, with retries", 0.5, 10 * DAY, { type: "decision" }, { keyword: { rank: 3, score: 1, contribution: 0.1 }, dense: { rank: 4, score: 0.5, contribution: 0.1 } });
  const x = laterFeatures({ terms, weights, sims }, older, newer, 0, 2);
  const f = Object.fromEntries(LATER_FEATURES.map((name, k) => [name, x[k]!]));
  expect(f["cosine"]).toBeCloseTo(0.7);
  expect(f["margin over the others"]).toBeCloseTo(0.4);
  expect(f["places apart"]).toBe(2);
  expect(f["score ratio"]).toBeCloseTo(0.5);
  expect(f["earlier's place"]).toBe(0);
  expect(f["log days apart"]).toBeCloseTo(Math.log1p(10));
  expect(f["same type"]).toBe(0);
  // "webhook", "go", "queue" of 3 + 6 distinct words: 3 / 6 of the union.
  expect(f["shared words"]).toBeGreaterThan(0.3);
  expect(f["share a query term"]).toBe(1);
  expect(f["earlier's coverage"]).toBeCloseTo(f["later's coverage"]!);
  expect(f["coverage gained"]).toBeCloseTo(0);
  expect(f["later found by keyword"]).toBe(1);
  expect(f["later's dense rank⁻¹"]).toBeCloseTo(0.25);
  // Words other than stop words: webhook go sqs queue retri (5) against webhook go redi queue (4), plus one.
  expect(f["length ratio"]).toBeCloseTo(5 / 5);
});

test("only a later decision, preference or fact of the same project, within reach below, is weighed; nothing is dropped", () => {
  const weighed: string[] = [];
  laterTap.decide = (_x, older, newer) => {
    weighed.push(`${older.memory.id}<${newer.memory.id}`);
    return true;
  };
  const terms = queryTerms("which queue");
  const base = (later: FusedHit) => [hit("old", "Webhooks use Redis", 1, 100 * DAY), later, hit("x", "x", 0.1, 0, { type: "lesson" })];
  const cases = [
    hit("new", "Webhooks use SQS", 0.5, 50 * DAY), // earlier
    hit("new", "Webhooks use SQS", 0.5, 100 * DAY + 3_600_000), // the same day
    hit("new", "Webhooks use SQS", 0.5, 200 * DAY, { type: "lesson" }),
    hit("new", "Webhooks use SQS", 0.5, 200 * DAY, { type: "note", sessionId: "s1" }),
    hit("new", "Webhooks use SQS", 0.5, 200 * DAY, { project: "other" }),
  ];
  for (const c of cases) {
    const hits = base(c);
    expect(ids(laterFirst(hits, vectorsFor(hits), terms, () => [1, 1]).hits)).toEqual(["old", "new", "x"]);
  }
  expect(weighed).toEqual([]);
  const later = base(hit("new", "Webhooks use SQS", 0.5, 200 * DAY));
  expect(ids(laterFirst(later, new Map(), terms, () => [1, 1]).hits)).toEqual(["old", "new", "x"]);
  const moved = laterFirst(later, vectorsFor(later), terms, () => [1, 1]);
  expect(ids(moved.hits)).toEqual(["new", "old", "x"]);
  expect(moved.newerThan.get("new")?.older).toBe("old");
  // Further below than BELOW places: never weighed.
  const fillers = Array.from({ length: BELOW }, (_, k) => hit(`f${k}`, "filler", 0.9 - k * 0.01, 0, { type: "lesson" }));
  const far = [hit("old", "Webhooks use Redis", 1, 0), ...fillers, hit("new", "Webhooks use SQS", 0.5, 200 * DAY)];
  weighed.length = 0;
  expect(ids(laterFirst(far, vectorsFor(far), terms, () => [1, 1]).hits)).toEqual(ids(far));
  expect(weighed).toEqual([]);
});

test("the model moves a later statement that says the same thing anew, not a later note on another matter", () => {
  const terms = queryTerms("which queue carries webhooks");
  const weights = terms.map(() => 2);
  // The later restatement is the earlier one's closest result; the other later note is closest to neither.
  const sims = [
    [1, 0.3, 0.3, 0.8],
    [0.3, 1, 0.3, 0.3],
    [0.3, 0.3, 1, 0.3],
    [0.8, 0.3, 0.3, 1],
  ];
  const older = hit("old", "Webhooks are delivered through the Redis queue by the worker", 1, 0);
  const restated = hit("new", "Webhooks are delivered through the SQS queue by the worker now", 0.8, 300 * DAY, {}, { keyword: { rank: 2, score: 1, contribution: 0.1 }, dense: { rank: 1, score: 0.6, contribution: 0.1 } });
  const other = hit("other", "Invoices render in the billing service", 0.4, 300 * DAY, {}, { dense: { rank: 9, score: 0.3, contribution: 0.1 } });
  const ctx = { terms, weights, sims };
  const same = laterLikelihood(laterFeatures(ctx, older, restated, 0, 3));
  const unrelated = laterLikelihood(laterFeatures(ctx, older, other, 0, 3));
  expect(same).toBeGreaterThanOrEqual(LATER_BAR);
  expect(unrelated).toBeLessThan(LATER_BAR);
});

test("--explain names the earlier result a later statement was moved ahead of, and the model's likelihood", () => {
  const text = explainText({ channels: {}, lifts: {}, newerThan: "berlin-id", newerLikelihood: 0.734 }, (id) => id.slice(0, 6));
  expect(text).toContain("moved ahead of berlin by the newer-first model");
  expect(text).toContain("not a judgement that it replaces it");
  expect(text).toContain("0.73");
  expect(explainJson({ channels: {}, lifts: {}, newerThan: "berlin-id", newerLikelihood: 0.734 })).toMatchObject({ newer_than: "berlin-id", newer_likelihood: 0.734 });
});

/** Vectors by subject word: the two timezone statements point the same way, every other note elsewhere. */
class SubjectEmbedder implements Embedder {
  readonly model = "subject";
  readonly dims = 4;
  async embed(texts: string[], _kind: EmbedKind): Promise<Float32Array[]> {
    return texts.map((t) => {
      const v = new Float32Array(4);
      v[/timezone|berlin|lisbon/i.test(t) ? 0 : /deploy/i.test(t) ? 1 : /cents/i.test(t) ? 2 : 3] = 1;
      return v;
    });
  }
  async dispose(): Promise<void> {}
}

test("hybrid recall puts the later statement on the subject first and says why; keyword mode and a named time leave the order", async () => {
  const store = new SqliteStore(":memory:");
  const dense = new DenseChannel({ store, open: async () => new SubjectEmbedder(), kernel: null });
  let now = T0;
  const engine = new Engine({ store, project: "/work/app", actor: "test", channels: { dense }, now: () => now });
  const berlin = engine.remember({ content: "User is based in Berlin, so the user timezone is CET", type: "fact" }).id;
  engine.remember({ content: "Deploys go through Argo CD", type: "fact" });
  engine.remember({ content: "Money amounts are integer cents", type: "fact" });
  now += 200 * DAY;
  const lisbon = engine.remember({ content: "User lives in Lisbon (WET)", type: "fact" }).id;
  now += DAY;
  expect(dense.vectorsOf([berlin]).size).toBe(0); // nothing searched yet: no model known
  const r = await engine.recall({ query: "what timezone is the user in", mode: "hybrid", track: false });
  expect(r.results.map((h) => h.memory.id).slice(0, 2)).toEqual([lisbon, berlin]);
  expect(r.results[0]!.newerThan).toBe(berlin);
  expect(r.results[0]!.newerLikelihood).toBeGreaterThanOrEqual(LATER_BAR);
  expect(dense.vectorsOf([berlin, lisbon]).size).toBe(2);
  const keyword = await engine.recall({ query: "what timezone is the user in", mode: "keyword", track: false });
  expect(keyword.results[0]!.memory.id).toBe(berlin);
  expect(keyword.results.some((h) => h.newerThan)).toBe(false);
  const past = await engine.recall({ query: "what timezone was the user in last year", mode: "hybrid", track: false });
  expect(past.results.some((h) => h.newerThan)).toBe(false);
  await dense.dispose();
});

test("history written in one sitting with event times is ordered by them; an earlier event written later is not later", () => {
  const weighed: string[] = [];
  laterTap.decide = (_x, older, newer) => {
    weighed.push(`${older.memory.id}<${newer.memory.id}`);
    return true;
  };
  const terms = queryTerms("where does code review happen");
  // Written a second apart, about events 137 days apart.
  const gerrit = hit("gerrit", "Code review happens in Gerrit", 1, T0, { eventTime: T0 - 142 * DAY });
  const github = hit("github", "Code reviews take place on GitHub pull requests", 0.8, T0 + 1000, { eventTime: T0 - 5 * DAY });
  expect(ids(laterFirst([gerrit, github], vectorsFor([gerrit, github]), terms, () => [1, 1]).hits)).toEqual(["github", "gerrit"]);
  // Written later but about an earlier time: not the later statement.
  const backdated = hit("github", "Code reviews take place on GitHub pull requests", 0.8, T0 + 1000, { eventTime: T0 - 300 * DAY });
  expect(ids(laterFirst([gerrit, backdated], vectorsFor([gerrit, backdated]), terms, () => [1, 1]).hits)).toEqual(["gerrit", "github"]);
  expect(weighed).toEqual(["gerrit<github"]);
});

test("a move needs both models: the later one the likelier answer, and the move worth making", () => {
  const at = (name: (typeof LATER_FEATURES)[number]) => LATER_FEATURES.indexOf(name);
  // A typical pair, the earlier one far down the list: the later one is the likelier answer of the two, but
  // moves that far down rarely help (MOVE_MODEL), so nothing moves.
  const low = LATER_MODEL.mu.slice();
  low[at("earlier's place")] = 8;
  expect(laterLikelihood(low)).toBeGreaterThanOrEqual(LATER_BAR);
  expect(laterLikelihood(low, MOVE_MODEL)).toBeLessThan(MOVE_BAR);
  expect(laterGoesFirst(low)).toBe(false);
  // The later one found by keyword, covering most of the query, the nearest in meaning: both agree.
  const strong = LATER_MODEL.mu.slice();
  strong[at("earlier's place")] = 1;
  strong[at("later found by keyword")] = 1;
  strong[at("later's coverage")] = 0.8;
  strong[at("later's dense rank⁻¹")] = 1;
  expect(laterGoesFirst(strong)).toBe(true);
});

test("hybrid recall whose model cannot load orders neighbours by the word rule, as keyword mode does", async () => {
  const store = new SqliteStore(":memory:");
  const dense = new DenseChannel({ store, open: async () => Promise.reject(cairnError("MODEL_UNAVAILABLE", ["broken", "its onnx file is corrupt"])) });
  let now = T0;
  const engine = new Engine({ store, project: "/work/app", actor: "test", channels: { dense }, now: () => now });
  engine.remember({ content: "Release builds are signed on the mac-mini runner with the team certificate", type: "fact" });
  now += 40 * DAY;
  const later = engine.remember({ content: "Release builds are signed by the cloud signing service; the team certificate was revoked", type: "fact" }).id;
  now += DAY;
  for (const mode of ["keyword", "hybrid"] as const) {
    const r = await engine.recall({ query: "release builds signed team certificate", mode, track: false });
    expect(r.results[0]!.memory.id).toBe(later);
  }
  await dense.dispose();
});
