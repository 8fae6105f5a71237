/**
 * @module Integrity checks on a connection of their own ({@link quickCheck}), and the check of a long-lived
 * process run on a thread of its own (check-worker.ts) for a large file: `PRAGMA quick_check` reads all of it
 * (0.7 s at 100k memories, 8–28 s at 1M), and on the store's thread every request arriving meanwhile waited
 * (`cairn mcp` at 1M: a recall 3 s after start took 5.3 s). Writes do not wait for the verdict; once it is in,
 * a damaged file's writes are refused (live-db.ts).
 */
import { describeError } from "../errors.ts";
import { workerUrl } from "../worker-url.ts";
import { openReader } from "./db.ts";
import { statSync } from "node:fs";
import { clearDamageMark, type DamageMark, damageMark, markDamaged } from "./damage-mark.ts";

/** Files from this size are not checked whole on a command's error path (BACKGROUND_CHECK_FROM, live-db.ts). */
const CONFIRM_BELOW_BYTES = 64 * 2 ** 20;

/**
 * `PRAGMA quick_check` of the database at `path` on a connection opened for it alone: "ok", or what it found (an
 * error opening or reading is a finding too). Never on a connection that has read the full-text index before:
 * there FTS5 checks the index's structure as that connection last knew it, and while other processes write,
 * half of the checks reported "fts5: corruption found reading blob …" on a sound file (a long-lived process
 * then refused every write); a fresh connection reported none in 649 checks.
 */
export function quickCheck(path: string): string {
  try {
    return checkOnOwnConnection(path, "quick_check(5)").join("; ") || "ok";
  } catch (err) {
    return describeError(err);
  }
}

/** Whether a whole-file check of `dbFile` is quick enough to run on a command's path (under 64 MB). */
const quickToCheck = (dbFile: string) => (statSync(dbFile, { throwIfNoEntry: false })?.size ?? 0) < CONFIRM_BELOW_BYTES;

/** Checks the whole file now and records it: marked when damaged (true), any mark removed when sound (false). */
function checkAndMark(dbFile: string): boolean {
  const verdict = quickCheck(dbFile);
  if (verdict === "ok") clearDamageMark(dbFile);
  else markDamaged(dbFile, `PRAGMA quick_check: ${verdict}`);
  return verdict !== "ok";
}

/**
 * After a SQLite error that says the file is damaged: checks the whole file on a connection of its own and
 * marks it (damage-mark.ts) when the check agrees; an error of one connection's stale view of the full-text
 * index does not mark a sound file. A large store is not checked here (8–28 s at 1M memories): long-lived
 * processes check such files on a thread of their own.
 */
export function confirmDamage(dbFile: string): void {
  if (dbFile !== ":memory:" && !markOn(dbFile) && quickToCheck(dbFile)) checkAndMark(dbFile);
}

/**
 * The damage mark that holds for the file at `dbFile` (damage-mark.ts), or null. A file changed since it was
 * marked is checked again when that is quick (under 64 MB): sound, the mark is removed (a backup was copied
 * over it); still damaged, it is marked anew. A larger one stays refused until `cairn doctor` checks it.
 */
export function markOn(dbFile: string): DamageMark | null {
  if (dbFile === ":memory:") return null;
  const found = damageMark(dbFile);
  if (!found) return null;
  if (!found.changed || !quickToCheck(dbFile)) return found.mark;
  return checkAndMark(dbFile) ? (damageMark(dbFile)?.mark ?? found.mark) : null;
}

/** The rows of a `PRAGMA` check of the database at `path`, on a connection opened for it alone ({@link quickCheck}). */
export function checkOnOwnConnection(path: string, pragma: "quick_check(5)" | "integrity_check"): string[] {
  const db = openReader(path);
  try {
    // Through the page cache, not a map: the pages read stay the OS's, not this process's resident set.
    db.run("PRAGMA mmap_size = 0");
    return (db.query(`PRAGMA ${pragma}`).values() as Array<[string]>).map((r) => r[0]);
  } finally {
    db.close();
  }
}

/** What the check's thread is given, and what it answers. */
export interface CheckRequest {
  path: string;
}
export interface CheckReply {
  verdict: string;
}

export class BackgroundCheck {
  #worker: Worker | null;
  #verdict: string | null = null;

  /** Starts checking the database at `path` now. */
  constructor(path: string) {
    const worker = new Worker(workerUrl(import.meta.url, "./store/check-worker.ts"));
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<CheckReply>) => {
      this.#verdict = event.data.verdict;
      this.stop();
    };
    // The thread failed to start or died: no verdict; the store then checks on its own thread when quiet.
    worker.onerror = () => this.stop();
    worker.postMessage({ path } satisfies CheckRequest);
    // The thread must not keep a process alive that has nothing else to do.
    worker.unref();
  }

  /** The verdict ("ok", or what the check found) once the thread has it; null while it runs or if it failed. */
  get verdict(): string | null {
    return this.#verdict;
  }

  /** Whether the thread still runs. */
  get running(): boolean {
    return this.#worker !== null;
  }

  /** Stops the thread (its verdict is no longer wanted, or it sent it). */
  stop(): void {
    this.#worker?.terminate();
    this.#worker = null;
  }
}
