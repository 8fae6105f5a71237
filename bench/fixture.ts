/**
 * @module Benchmark databases: a scratch workspace with a project directory (what `cairn` run there sees as
 * its project), and one database per size built with a single `engine.import`, timed, then reused by the
 * other scenarios. A build that would take longer than its time budget is abandoned (the import is one
 * transaction, so throwing from the progress callback rolls it back) and reported as such.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../src/engine/engine.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { dbBytes, nowMs, progress } from "./measure.ts";

export interface Workspace {
  root: string;
  /** A directory with a `.git` inside: the project key of every benchmark memory. */
  project: string;
  dispose(): void;
}

export function createWorkspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), "cairn-bench-"));
  const project = join(root, "project");
  mkdirSync(join(project, ".git"), { recursive: true });
  return { root, project, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** A directory usable as CAIRN_HOME, holding `cairn.db`. */
export function homeFor(ws: Workspace, name: string): { home: string; db: string } {
  const home = join(ws.root, name);
  mkdirSync(home, { recursive: true });
  return { home, db: join(home, "cairn.db") };
}

export function openEngine(ws: Workspace, db: string): Engine {
  return new Engine({ store: new SqliteStore(db), project: ws.project, actor: "bench" });
}

export interface BuiltDb {
  size: number;
  home: string;
  db: string;
  /** Memories actually stored (exact duplicates in the corpus are reinforced, not stored twice). */
  created: number;
  importSeconds: number;
  importPerSecond: number;
  /** Database + WAL bytes after a checkpoint. */
  bytes: number;
  /** Set when the build ran out of time budget; the database is then empty. */
  abandoned?: { done: number; projectedSeconds: number };
}

class BuildTooSlow extends Error {
  constructor(readonly done: number, readonly projectedSeconds: number) {
    super("build too slow");
  }
}

/** Imports `jsonl` (`size` lines) into a fresh database in one call, timing it. */
export async function buildDb(ws: Workspace, size: number, jsonl: string, budgetSeconds: number): Promise<BuiltDb> {
  const { home, db } = homeFor(ws, `db-${size}`);
  const engine = openEngine(ws, db);
  const started = nowMs();
  // Each callback gives the current rate (lines are parsed and written together),
  // smoothed over the last few thousand rows so one GC pause does not abandon a build.
  const ticks: Array<{ at: number; done: number }> = [];
  try {
    const report = await engine.import(jsonl, (done, total = size) => {
      const at = nowMs();
      ticks.push({ at, done });
      const from = ticks[Math.max(0, ticks.length - 6)]!;
      if (ticks.length < 3 || done === total) return;
      const rate = (done - from.done) / (at - from.at);
      const projected = (at - started + (total - done) / rate) / 1000;
      if (done % 20_000 === 0) progress(`import ${size}: ${done}/${total}, projected ${projected.toFixed(0)} s`);
      if (projected > budgetSeconds) throw new BuildTooSlow(done, projected);
    });
    const seconds = (nowMs() - started) / 1000;
    checkpoint(engine);
    return { size, home, db, created: report.created, importSeconds: seconds, importPerSecond: size / seconds, bytes: dbBytes(db) };
  } catch (err) {
    if (!(err instanceof BuildTooSlow)) throw err;
    const seconds = (nowMs() - started) / 1000;
    progress(`import ${size}: abandoned after ${err.done} rows (${seconds.toFixed(0)} s); projected ${err.projectedSeconds.toFixed(0)} s`);
    return {
      size, home, db, created: 0, importSeconds: seconds, importPerSecond: err.done / seconds, bytes: dbBytes(db),
      abandoned: { done: err.done, projectedSeconds: err.projectedSeconds },
    };
  } finally {
    engine.close();
  }
}

/** Folds the WAL into the main file so the size on disk is the steady-state size. */
export function checkpoint(engine: Engine): void {
  const store = engine.store;
  if (store instanceof SqliteStore) store.database.run("PRAGMA wal_checkpoint(TRUNCATE)");
}
