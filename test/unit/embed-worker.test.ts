/** @module The background embedding worker's lock: one worker per data directory, a dead worker's lock taken over. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embedLockPath, failedLately, noteWorkerOutcome, runningWorker, startEmbedWorker, takeWorkerLock } from "../../src/embed-worker.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cairn-worker-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("a held lock keeps a second worker out until it is released", () => {
  const release = takeWorkerLock(dir);
  expect(release).not.toBeNull();
  expect(runningWorker(dir)).toBe(process.pid);
  expect(takeWorkerLock(dir)).toBeNull();
  release!();
  expect(existsSync(embedLockPath(dir))).toBe(false);
  expect(runningWorker(dir)).toBeNull();
  const again = takeWorkerLock(dir);
  expect(again).not.toBeNull();
  again!();
  // Only the lock's staging file could have been left behind; nothing is.
  expect(readdirSync(dir)).toEqual([]);
});

test("the lock of a worker that died is taken over", () => {
  // A pid far above any pid_max is never alive.
  writeFileSync(embedLockPath(dir), "2147483646");
  expect(runningWorker(dir)).toBeNull();
  const release = takeWorkerLock(dir);
  expect(release).not.toBeNull();
  expect(runningWorker(dir)).toBe(process.pid);
  release!();
});

test("no worker starts while one runs, or when workers are off", () => {
  const release = takeWorkerLock(dir)!;
  expect(startEmbedWorker(dir, { PATH: process.env.PATH })).toBe(false);
  release();
  expect(startEmbedWorker(dir, { CAIRN_EMBED_WORKER: "off" })).toBe(false);
  expect(readdirSync(dir)).toEqual([]);
});

test("for a few minutes after a worker could not open its model, none starts; one that could lifts it (QA: a full disk)", () => {
  noteWorkerOutcome(dir, true);
  // No worker is spawned (it would try the same and fail again): nothing is started, no log is opened.
  expect(startEmbedWorker(dir, { PATH: process.env.PATH })).toBe(false);
  expect(existsSync(join(dir, "reembed.log"))).toBe(false);
  expect(failedLately(dir)).toBe(true);
  const old = new Date(Date.now() - 6 * 60_000);
  utimesSync(join(dir, "embed-worker.failed"), old, old);
  expect(failedLately(dir)).toBe(false);
  noteWorkerOutcome(dir, true);
  noteWorkerOutcome(dir, false);
  expect(failedLately(dir)).toBe(false);
  expect(existsSync(join(dir, "embed-worker.failed"))).toBe(false);
});
