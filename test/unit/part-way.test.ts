/**
 * @module A disk filling part-way through a command of many steps (consolidate, the retention sweep) is told as
 * what it is: the steps before it stay done and the error lists them (the consolidated memories; the purges with
 * their receipts), never DB_FULL's "nothing was stored or changed" (QA: said of runs that had folded groups and
 * purged a memory). A purge whose index rewrite, after its commit, finds the disk full is a purge done, its rewrite
 * owed (it was thrown as DB_FULL, and the sweep left the purge out of its report). The disk fills here by SQLite's
 * page limit (`max_page_count`), which fails writes as a full disk does.
 */
import { expect, test } from "bun:test";
import { CairnError } from "../../src/errors.ts";
import { testEngine } from "../helpers/engine.ts";

const WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike".split(" ");
const sentence = (i: number, n: number) => Array.from({ length: n }, (_, k) => `${WORDS[(i * 7 + k * 3) % WORDS.length]}${(i * 131 + k * 17) % 9973}`).join(" ");

/** The error `fn` throws (it must throw). */
function thrown(fn: () => unknown): CairnError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CairnError);
    return err as CairnError;
  }
  throw new Error("expected a failure");
}

/** Lets the database grow by `pages` pages at most from now on. */
function fillsAfter(store: ReturnType<typeof testEngine>["store"], pages: number): void {
  const count = (store.database.query("PRAGMA page_count").get() as { page_count: number }).page_count;
  store.database.run(`PRAGMA max_page_count = ${count + pages}`);
}

test("consolidate: the groups folded before the disk filled are named, and stay folded", async () => {
  const { engine, store } = testEngine();
  const lines = Array.from({ length: 80 }, (_, i) => `The nearcopy${i}qv service ${sentence(i, 40)}`).flatMap((text) => [text, `${text} indeed`]);
  await engine.import(`${lines.map((content) => JSON.stringify({ content, type: "fact" })).join("\n")}\n`);
  const before = engine.stats().total;
  fillsAfter(store, 12);
  const err = thrown(() => engine.consolidate({ allProjects: true }));
  expect(err.code).toBe("DB_FULL_PART_WAY");
  expect(err.message).not.toContain("nothing was stored or changed");
  const named = [...err.message.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)].map((m) => m[0]);
  expect(named.length).toBeGreaterThan(0);
  expect(named.length).toBeLessThan(80);
  expect(err.message).toContain(`${named.length} group(s) consolidated`);
  // Each named consolidation is there, its two sources archived.
  for (const id of named) expect(store.get(id)?.status).toBe("active");
  expect(engine.stats().total).toBe(before + named.length);
  engine.close();
});

test("sweep: the purges made before the disk filled are listed with their receipts", async () => {
  // Plain: where the page limit falls depends on the rows' size, which the codec changes (the wording does not).
  const { engine, store, advance } = testEngine({ encrypted: false });
  await engine.import(`${Array.from({ length: 400 }, (_, i) => JSON.stringify({ content: `scratch note s${i}qv ${sentence(i, 3)}`, type: "task" })).join("\n")}\n`);
  engine.setRetention({ type: "task", keepMs: 86_400_000, graceMs: 86_400_000 });
  advance(2 * 86_400_000);
  expect(engine.sweep().expired).toHaveLength(400);
  advance(2 * 86_400_000);
  const before = engine.stats().total;
  fillsAfter(store, 2);
  const err = thrown(() => engine.sweep());
  expect(err.code).toBe("DB_FULL_PART_WAY");
  expect(err.message).not.toContain("nothing was stored or changed");
  const purged = before - engine.stats().total;
  expect(purged).toBeGreaterThan(0);
  expect(err.message).toContain(`${purged} purged (`);
  expect(err.message.match(/receipt content hash/g)).toHaveLength(purged);
  engine.close();
});

test("forget --hard whose index rewrite finds the disk full is done, and the rewrite stays owed", async () => {
  const { engine, store } = testEngine({ encrypted: false });
  await engine.import(`${Array.from({ length: 300 }, (_, i) => JSON.stringify({ content: `filler f${i}qv ${sentence(i, 30)}` })).join("\n")}\n`);
  const id = engine.remember({ content: `customer reference zq9pw7ref ${sentence(7, 30)}` }).memory.id;
  fillsAfter(store, 0);
  const r = engine.forget(id, { hard: true });
  expect(r.status).toBe("purged");
  expect(r.pendingWal).toBeDefined();
  expect(engine.pendingErasure()).not.toBeNull();
  store.database.run("PRAGMA max_page_count = 1000000");
  expect(engine.finishErasure()).toEqual({ complete: true });
  engine.close();
});
