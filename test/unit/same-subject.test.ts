/** @module Newer first on one subject by meaning: a later statement closer to an earlier result than to any other moves ahead of it. */
import { expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import type { FusedHit } from "../../src/retrieve/fusion.ts";
import { sameSubjectNewerFirst } from "../../src/retrieve/same-subject.ts";
import { explainJson, explainText } from "../../src/retrieve/explain.ts";
import type { EmbedKind, Embedder } from "../../src/embed/port.ts";
import { Engine } from "../../src/engine/engine.ts";
import { DenseChannel } from "../../src/retrieve/dense-channel.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { T0 } from "../helpers/engine.ts";

const DAY = 86_400_000;
const Q = "what timezone is the user in";
function hit(id: string, score: number, createdAt: number, extra: Partial<Memory> = {}): FusedHit {
  const content = `User note ${id}`;
  return { memory: { id, content, createdAt, project: "app", type: "fact", sessionId: null, ...extra } as Memory, score, channels: {}, weak: false };
}
const ids = (hits: FusedHit[]) => hits.map((h) => h.memory.id);
/** Unit vectors: the timezone pair points one way (cosine 0.99), the rest spread over other axes. */
const axis = (i: number, tilt = 0) => {
  const v = new Float32Array(8);
  v[i] = 1;
  v[7] = tilt;
  return v;
};
const vectors = new Map<string, Float32Array>([
  ["berlin", axis(0, 0.2)],
  ["lisbon", axis(0, 0.3)],
  ["a", axis(1)],
  ["b", axis(2)],
  ["c", axis(3)],
  ["d", axis(4)],
]);

test("a later statement closest in meaning to an earlier result goes just ahead of it; nothing is dropped", () => {
  const hits = [hit("berlin", 1, 0), hit("a", 0.8, 0), hit("b", 0.7, 0), hit("lisbon", 0.5, 200 * DAY), hit("c", 0.4, 0), hit("d", 0.3, 0)];
  const { hits: out, newerThan } = sameSubjectNewerFirst(hits, vectors, Q);
  expect(ids(out)).toEqual(["lisbon", "berlin", "a", "b", "c", "d"]);
  expect(newerThan.get("lisbon")).toBe("berlin");
  expect(newerThan.size).toBe(1);
});

test("nothing moves for an earlier one, a much weaker match, a lesson, a session turn, another project, without vectors, or from far below", () => {
  const base = (later: FusedHit) => [hit("berlin", 1, 100 * DAY), hit("a", 0.8, 0), later, hit("b", 0.4, 0), hit("c", 0.3, 0), hit("d", 0.2, 0)];
  const cases = [
    hit("lisbon", 0.5, 0),
    hit("lisbon", 0.2, 200 * DAY),
    hit("lisbon", 0.5, 200 * DAY, { type: "lesson" }),
    hit("lisbon", 0.5, 200 * DAY, { type: "note", sessionId: "s1" }),
    hit("lisbon", 0.5, 200 * DAY, { project: "other" }),
  ];
  for (const c of cases) expect(ids(sameSubjectNewerFirst(base(c), vectors, Q).hits)).toEqual(["berlin", "a", "lisbon", "b", "c", "d"]);
  const later = hit("lisbon", 0.5, 200 * DAY);
  expect(ids(sameSubjectNewerFirst(base(later), new Map(), Q).hits)).toEqual(["berlin", "a", "lisbon", "b", "c", "d"]);
  // More than 3 places below: it stays where it scored.
  const far = [hit("berlin", 1, 0), hit("a", 0.9, 0), hit("b", 0.8, 0), hit("c", 0.7, 0), hit("lisbon", 0.6, 200 * DAY), hit("d", 0.5, 0)];
  expect(ids(sameSubjectNewerFirst(far, vectors, Q).hits)).toEqual(["berlin", "a", "b", "c", "lisbon", "d"]);
});

test("a later statement closer to another result than to the earlier one, or sharing no query term with it, keeps its place", () => {
  // "far" is later and scores well, but lies between a, b and c: those are closer to it than berlin.
  const v = new Map(vectors);
  v.set("far", new Float32Array([0, 1, 1, 1, 0, 0, 0, 0]));
  const hits = [hit("berlin", 1, 0), hit("far", 0.9, 200 * DAY), hit("lisbon", 0.5, 0), hit("a", 0.4, 0), hit("b", 0.3, 0), hit("c", 0.2, 0)];
  expect(ids(sameSubjectNewerFirst(hits, v, Q).hits)).toEqual(["berlin", "far", "lisbon", "a", "b", "c"]);
  // Close in meaning, but no query term in common: the earlier one answers through "timezone", the later not at all.
  const noTerm = [hit("berlin", 1, 0, { content: "Schedule in the CET timezone" }), hit("a", 0.8, 0), hit("lisbon", 0.5, 200 * DAY, { content: "Relocated to Lisbon" }), hit("b", 0.4, 0)];
  expect(ids(sameSubjectNewerFirst(noTerm, vectors, Q).hits)).toEqual(["berlin", "a", "lisbon", "b"]);
  const shared = [hit("berlin", 1, 0, { content: "Schedule in the CET timezone" }), hit("a", 0.8, 0), hit("lisbon", 0.5, 200 * DAY, { content: "Timezone is WET now" }), hit("b", 0.4, 0)];
  expect(ids(sameSubjectNewerFirst(shared, vectors, Q).hits)).toEqual(["lisbon", "berlin", "a", "b"]);
});

test("--explain names the earlier result a later statement was moved ahead of", () => {
  const text = explainText({ channels: {}, lifts: {}, newerThan: "berlin-id" }, (id) => id.slice(0, 6));
  expect(text).toContain("later on the same subject as berlin");
  expect(explainJson({ channels: {}, lifts: {}, newerThan: "berlin-id" })).toMatchObject({ newer_than: "berlin-id" });
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

async function timezoneEngine() {
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
  return { engine, dense, berlin, lisbon };
}

test("hybrid recall puts the later statement on the subject first and says why; keyword mode and a named time leave the order", async () => {
  const { engine, dense, berlin, lisbon } = await timezoneEngine();
  expect(dense.vectorsOf([berlin]).size).toBe(0); // nothing searched yet: no model known
  const r = await engine.recall({ query: "what timezone is the user in", mode: "hybrid", track: false });
  expect(r.results.map((h) => h.memory.id).slice(0, 2)).toEqual([lisbon, berlin]);
  expect(r.results[0]!.newerThan).toBe(berlin);
  expect(dense.vectorsOf([berlin, lisbon]).size).toBe(2);
  const keyword = await engine.recall({ query: "what timezone is the user in", mode: "keyword", track: false });
  expect(keyword.results[0]!.memory.id).toBe(berlin);
  expect(keyword.results.some((h) => h.newerThan)).toBe(false);
  const past = await engine.recall({ query: "what timezone was the user in last year", mode: "hybrid", track: false });
  expect(past.results.some((h) => h.newerThan)).toBe(false);
  await dense.dispose();
});
