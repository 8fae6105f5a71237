/**
 * @module An erasure interrupted between its commit and the rewrite of the full-text index (a kill, a crash, a
 * power cut) is finished later: `edit --erase-history` and `forget --hard` record it in the transaction that
 * erases, and the next write, or `cairn doctor`, rewrites the index and empties the WAL (QA: the erased words
 * stayed in the index pages of cairn.db for good, and doctor said "no erasure pending"). The interruption is
 * made exact here: the erasure runs inside an outer transaction on the raw connection, which the store leaves
 * to its owner, so it commits with nothing run after it, as a process killed right after its commit leaves it.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testEngine } from "../helpers/engine.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Every byte of the store's files, to look for a word in. */
function onDisk(dir: string): string {
  return readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString("latin1")).join("");
}

/** A plain store with filler, and a memory whose first version said `secret` (its index pages hold the word). */
function seeded(secret: string) {
  const dir = mkdtempSync(join(tmpdir(), "cairn-erase-interrupted-"));
  dirs.push(dir);
  const t = testEngine({ path: join(dir, "cairn.db"), encrypted: false });
  for (let i = 0; i < 300; i++) t.engine.remember({ content: `filler memory f${i} about service s${i % 50} and host h${i % 97}` });
  const m = t.engine.remember({ content: `customer reference ${secret} for the billing export` }).memory;
  return { dir, ...t, id: m.id };
}

/**
 * Runs `erase` as a process killed right after its commit would: committed, nothing run after it; the store is
 * then opened anew, as by the next process (this one's memory of what it still had to do is gone).
 */
function killedAfterCommit(t: ReturnType<typeof seeded>, erase: (engine: ReturnType<typeof testEngine>["engine"]) => void) {
  t.store.database.transaction(() => erase(t.engine)).immediate();
  t.engine.close();
  return testEngine({ path: join(t.dir, "cairn.db"), encrypted: false }).engine;
}

test("edit --erase-history interrupted after its commit: the next write erases the old words from the index", () => {
  const t = seeded("zq1pw7ref");
  const { dir, id } = t;
  t.engine.update(id, { content: "customer reference removed, see the CRM" });
  const engine = killedAfterCommit(t, (e) => e.eraseHistory(id));
  expect(JSON.stringify(engine.history(id))).not.toContain("zq1pw7ref");
  expect(engine.pendingErasure()).not.toBeNull();
  engine.remember({ content: "a later write" });
  expect(engine.pendingErasure()).toBeNull();
  engine.close();
  expect(onDisk(dir).includes("zq1pw7ref")).toBe(false);
});

test("forget --hard interrupted after its commit: doctor's finishing of the pending erasure rewrites the index", () => {
  const t = seeded("zq2pw7ref");
  const { dir, id } = t;
  const engine = killedAfterCommit(t, (e) => e.forget(id, { hard: true }));
  expect(() => engine.get(id)).toThrow("was erased");
  const pending = engine.pendingErasure();
  expect(pending).not.toBeNull();
  expect(engine.finishErasure()).toEqual({ complete: true });
  expect(engine.pendingErasure()).toBeNull();
  engine.close();
  expect(onDisk(dir).includes("zq2pw7ref")).toBe(false);
});

test("an erasure that was rolled back leaves nothing pending", () => {
  const { engine, store, id } = seeded("zq3pw7ref");
  engine.update(id, { content: "customer reference removed, see the CRM" });
  expect(() =>
    store.database.transaction(() => {
      engine.eraseHistory(id);
      throw new Error("the process failed before its commit");
    }).immediate(),
  ).toThrow("before its commit");
  expect(JSON.stringify(engine.history(id))).toContain("zq3pw7ref");
  expect(engine.pendingErasure()).toBeNull();
  engine.close();
});
