/** @module The time channel through recall: event times, times named in memory text, when-questions, anchors. */
import { expect, test } from "bun:test";
import type { Memory } from "../../src/domain/memory.ts";
import { fuse } from "../../src/retrieve/fusion.ts";
import { fit } from "../../src/retrieve/temporal-channel.ts";
import { testEngine } from "../helpers/engine.ts";

const DAY = 86_400_000;
const at = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 12);

// Unrelated memories from long ago, so BM25's idf behaves as in a real store (in a 3-memory store, a word
// in 2 of them has an idf of ~0).
const FILLER = ["Bought new running shoes", "The cat knocked over a plant", "Read a novel about sailors", "Cooked a curry with lentils", "Fixed a flat bicycle tyre", "Watched a documentary on whales", "Painted the fence green", "Learned a chess opening"];

/** An engine whose clock reads Monday 8 May 2023, with memories at given event times. */
function engineWith(memories: Array<[string, number]>) {
  const t = testEngine();
  t.clock.now = at(2023, 5, 8);
  for (const content of FILLER) t.engine.remember({ content, eventTime: at(2019, 1, 1) });
  const ids = memories.map(([content, eventTime]) => t.engine.remember({ content, eventTime }).id);
  return { ...t, ids };
}

const top = async (engine: ReturnType<typeof testEngine>["engine"], query: string) =>
  (await engine.recall({ query, mode: "keyword", track: false })).results.map((r) => r.memory.content);

test("a query naming a time ranks the memory from that time above an equal match from another", async () => {
  const { engine } = engineWith([
    ["Database review: we chose Postgres", at(2023, 3, 14)],
    ["Database review: we chose SQLite", at(2023, 5, 3)],
    ["Database review: we chose MySQL", at(2022, 11, 2)],
  ]);
  expect((await top(engine, "database review last week"))[0]).toBe("Database review: we chose SQLite");
  expect((await top(engine, "database review in March 2023"))[0]).toBe("Database review: we chose Postgres");
  expect((await top(engine, "database review in 2022"))[0]).toBe("Database review: we chose MySQL");
});

test("a time named in a memory's words counts, read from when it was written", async () => {
  const { engine } = engineWith([
    ["Went to the pottery workshop, it was lovely", at(2023, 4, 20)],
    // Written on 2 May about the day before: 1 May.
    ["Yesterday I went to a pottery workshop", at(2023, 5, 2)],
  ]);
  expect((await top(engine, "pottery workshop on 1 May 2023"))[0]).toBe("Yesterday I went to a pottery workshop");
});

test("a when-question prefers the memory that says when", async () => {
  const { engine } = engineWith([
    ["The charity race was fun", at(2023, 4, 2)],
    ["I ran the charity race last Sunday", at(2023, 4, 3)],
  ]);
  expect((await top(engine, "When was the charity race?"))[0]).toBe("I ran the charity race last Sunday");
  // Without "when", plain BM25 decides: the shorter memory with the same words wins.
  expect((await top(engine, "charity race"))[0]).toBe("The charity race was fun");
});

test("after an event: memories from after it rank above those before", async () => {
  const { engine } = engineWith([
    ["Hiked up the ridge trail with the kids", at(2023, 3, 1)],
    ["We got back from the road trip to the coast", at(2023, 4, 1)],
    ["Hiked the ridge trail again, longer this time", at(2023, 4, 10)],
  ]);
  expect((await top(engine, "hiked the ridge trail after the road trip"))[0]).toBe("Hiked the ridge trail again, longer this time");
  expect((await top(engine, "hiked the ridge trail before the road trip"))[0]).toBe("Hiked up the ridge trail with the kids");
});

test("a query that is only a short span lists that span's memories", async () => {
  const { engine } = engineWith([
    ["Merged the retry fix", at(2023, 5, 7)],
    ["Planned the sprint", at(2023, 5, 1)],
  ]);
  expect(await top(engine, "what happened yesterday?")).toEqual(["Merged the retry fix"]);
});

test("time alone never brings an unrelated memory for a wide span", async () => {
  const { engine } = engineWith([
    ["Kubernetes upgrade went fine", at(2022, 6, 1)],
    ["Lunch menu changed", at(2022, 6, 2)],
  ]);
  expect(await top(engine, "kubernetes in 2022")).toEqual(["Kubernetes upgrade went fine"]);
});

test("fit: 1 inside the window, halving every quarter window length outside it", () => {
  const week: [number, number] = [0, 7 * DAY];
  expect(fit([[DAY, 2 * DAY]], [week])).toBe(1);
  expect(fit([[7 * DAY + 1.75 * DAY, 10 * DAY]], [week])).toBeCloseTo(0.5, 10);
  expect(fit([[100 * DAY, 101 * DAY]], [week])).toBeLessThan(0.001);
});

test("fusion keeps time scores absolute: the best of poor fits is not promoted to a full match", () => {
  const mem = (id: string) => ({ id, createdAt: 0 }) as Memory;
  const fused = fuse([
    { channel: "keyword", weight: 1, scale: "ratio", hits: [{ memory: mem("a"), score: 4 }, { memory: mem("b"), score: 3.6 }] },
    { channel: "time", weight: 0.3, scale: "absolute", hits: [{ memory: mem("b"), score: 0.1, weak: true }] },
  ]);
  expect(fused.map((f) => f.memory.id)).toEqual(["a", "b"]);
  expect(fused[1]!.channels.time!.contribution).toBeCloseTo(0.03, 10);
});
