/** @module Session context: a session's best match lifts its other candidates; memories without a session are their own. */
import { expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import type { FusedHit } from "../../src/retrieve/fusion.ts";
import { asksForList } from "../../src/retrieve/asks-list.ts";
import { boostBySession, coherentSessions, neighboursToAdd } from "../../src/retrieve/session-context.ts";
import { sessionContextJson, sessionContextText } from "../../src/retrieve/explain.ts";
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

/** A chat asking the dogs' names, answered in the next turn (no word in common), and another session. */
function dogsChat() {
  const { engine, advance } = testEngine();
  for (const [content, session] of [
    ["What are the dogs called?", "chat"],
    ["Luna and Oliver!", "chat"],
    ["Unrelated: the printer is jammed", "other"],
  ] as const) {
    engine.remember({ content, sessionId: session });
    advance(1000);
  }
  return engine;
}

test("the neighbours of the best matches join the candidates even when no channel found them", async () => {
  const engine = dogsChat();
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

test("when the best candidates come one per sitting, neighbours join only around a sitting holding several of them", () => {
  // Ten best from eight sittings: s1 holds three of them (a conversation about the query), the rest one each.
  const hits = [hit("a", 1, "s1"), hit("b", 0.9, "s2"), hit("c", 0.8, "s1"), hit("d", 0.7, "s3"), hit("e", 0.7, "s4")];
  hits.push(hit("f", 0.6, "s1"), hit("g", 0.6, "s5"), hit("h", 0.5, "s6"), hit("i", 0.5, "s7"), hit("j", 0.4, "s8"));
  const around = coherentSessions(hits);
  expect(around).toEqual(new Set(["s1"]));
  const n = new Map([
    ["a", { prev: "a0", next: null }],
    ["b", { prev: "b0", next: "b1" }],
    ["c", { prev: null, next: "c1" }],
  ]);
  expect(neighboursToAdd(hits, n, 10, around)).toEqual(["a0", "c1"]);
  // Every sitting alone: nothing joins (a fact said in passing sits among replies about other things).
  const spread = Array.from({ length: 10 }, (_, i) => hit(`m${i}`, 1 - i * 0.05, `s${i}`));
  expect(coherentSessions(spread)).toEqual(new Set());
  expect(neighboursToAdd(spread, new Map([["m0", { prev: "x", next: "y" }]]), 10, coherentSessions(spread))).toEqual([]);
});

test("with few sittings among the best candidates (a small store), neighbours join everywhere", () => {
  const few = [hit("a", 1, "s1"), hit("b", 0.8, "s2"), hit("c", 0.5, "s2"), hit("d", 0.4, null)];
  expect(coherentSessions(few)).toBeNull();
  expect(neighboursToAdd(few, new Map([["a", { prev: null, next: "a1" }]]), 10, coherentSessions(few))).toEqual(["a1"]);
});

test("--explain says whether the candidates looked spread out and where neighbours joined", async () => {
  const { engine, advance } = testEngine();
  // Twelve sittings about taps; six of them mention the garden once, in passing.
  for (let i = 0; i < 12; i++) {
    const aside = i % 2 === 0 ? ` Side note: planted tomatoes in the garden bed ${i}.` : "";
    for (const content of [`How do I fix a leaking tap number ${i}?${aside}`, `Tighten the packing nut ${i}.`]) {
      engine.remember({ content, sessionId: `sitting-${i}` });
      advance(1000);
    }
  }
  const r = await engine.recall({ query: "planting in the garden", track: false });
  expect(r.sessionContext).toEqual({ spread: true, joinedAround: 0 });
  // The replies about taps next to each aside do not join and fill the list.
  expect(r.results).toHaveLength(6);
  expect(r.results.every((h) => h.memory.content.includes("garden"))).toBe(true);
  expect(sessionContextText(r.sessionContext!)).toContain("spread out");
  expect(sessionContextJson(r.sessionContext!)).toEqual({ spread: true, neighbours_joined_around: 0 });
});

test("a question asking for a list of things said over time gets no session context, and --explain says so", async () => {
  expect(["Which cities have I travelled to for work?", "how many books did I finish this year", "all the gifts I bought", "list my allergies", "what restaurants did we try"].every(asksForList)).toBe(true);
  expect(["What did Caroline research?", "names of the dogs", "when is my dentist appointment", "which runner do the unit tests use"].some(asksForList)).toBe(false);
  const engine = dogsChat();
  const r = await engine.recall({ query: "which dogs have I called by name", track: false });
  expect(r.results.map((h) => h.memory.content)).toEqual(["What are the dogs called?"]);
  expect(r.sessionContext).toEqual({ list: true });
  expect(sessionContextText(r.sessionContext!)).toContain("asks for a list");
  expect(sessionContextJson(r.sessionContext!)).toEqual({ list: true });
});
