/** @module Session context: a session's best match lifts its other candidates; memories without a session are their own. */
import { expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import type { FusedHit } from "../../src/retrieve/fusion.ts";
import { boostBySession, neighboursToAdd } from "../../src/retrieve/session-context.ts";
import { testEngine } from "../helpers/engine.ts";

const hit = (id: string, score: number, sessionId: string | null): FusedHit =>
  ({ memory: { id, sessionId, createdAt: 0 } as Memory, score, channels: {}, weak: false });

test("in a session about the query, a weak candidate rises above a lone moderate match elsewhere", () => {
  const out = boostBySession([hit("best", 1.0, "s1"), hit("alone", 0.6, "s2"), hit("also", 0.5, "s1"), hit("context", 0.3, "s1")]);
  expect(out.map((h) => h.memory.id)).toEqual(["best", "also", "context", "alone"]);
});

test("a session that matches only once (a fact said in passing) does not lift its other memories", () => {
  const out = boostBySession([hit("fact", 1.0, "s1"), hit("alone", 0.6, "s2"), hit("filler", 0.2, "s1")]);
  expect(out.map((h) => h.memory.id)).toEqual(["fact", "alone", "filler"]);
  expect(out.find((h) => h.memory.id === "filler")!.lifts!.session).toBe(0);
});

test("a strong match in its own session still beats weak context from another", () => {
  const out = boostBySession([hit("a", 1.0, "s1"), hit("b", 0.9, "s2"), hit("weak", 0.05, "s1")]);
  expect(out.map((h) => h.memory.id)).toEqual(["a", "b", "weak"]);
});

test("memories without a session are neither favoured nor penalised", () => {
  const out = boostBySession([hit("plain", 1.0, null), hit("sessioned", 0.8, "s1"), hit("other", 0.5, null)]);
  expect(out.map((h) => h.memory.id)).toEqual(["plain", "sessioned", "other"]);
});

test("a candidate next to a strong match in its session rises above an equal one that is not", () => {
  const hits = [hit("q", 1.0, "s1"), hit("answer", 0.2, "s1"), hit("far", 0.2, "s1"), hit("x", 0.9, "s2")];
  const neighbours = new Map([["answer", { prev: "q", next: null }], ["far", { prev: "zzz", next: null }]]);
  const out = boostBySession(hits, neighbours).map((h) => h.memory.id);
  expect(out.indexOf("answer")).toBeLessThan(out.indexOf("far"));
});

test("the store finds each memory's neighbours within its own session, in time order", () => {
  const { engine, store, advance } = testEngine();
  const ids: string[] = [];
  for (const [content, session] of [["a1", "A"], ["b1", "B"], ["a2", "A"], ["a3", "A"], ["none", null]] as const) {
    ids.push(engine.remember({ content: `memory ${content}`, sessionId: session }).id);
    advance(1000);
  }
  const [a1, b1, a2, a3, none] = ids;
  const n = store.sessionNeighbours([a2!, b1!, none!]);
  expect(n.get(a2!)).toEqual({ prev: a1!, next: a3! });
  expect(n.get(b1!)).toEqual({ prev: null, next: null });
  expect(n.has(none!)).toBe(false);
});

test("the neighbours of the best matches join the candidates even when no channel found them", async () => {
  const { engine, advance } = testEngine();
  for (const [content, session] of [
    ["What are the dogs called?", "chat"],
    ["Luna and Oliver!", "chat"],
    ["Unrelated: the printer is jammed", "other"],
  ] as const) {
    engine.remember({ content, sessionId: session });
    advance(1000);
  }
  const r = await engine.recall({ query: "names of the dogs", track: false });
  expect(r.results.map((h) => h.memory.content)).toEqual(["What are the dogs called?", "Luna and Oliver!"]);
});

test("neighboursToAdd takes the best hits' neighbours that are not candidates yet", () => {
  const hits = [hit("a", 1, "s"), hit("b", 0.5, "s"), hit("c", 0.1, "s")];
  const n = new Map([
    ["a", { prev: "x", next: "b" }],
    ["b", { prev: "a", next: "y" }],
    ["c", { prev: "z", next: null }],
  ]);
  expect(neighboursToAdd(hits, n, 2)).toEqual(["x", "y"]);
});
