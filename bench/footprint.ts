/**
 * @module Footprint: database bytes per memory, and the peak RSS of an engine answering recalls over the
 * largest database, measured in a child process (`rss-probe.ts`) so the benchmark's own corpus and import
 * buffers do not count.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuiltDb, Workspace } from "./fixture.ts";
import { progress, spawnMeasured } from "./measure.ts";

export interface FootprintResult {
  size: number;
  bytes: number;
  bytesPerMemory: number;
}

export function dbFootprint(built: BuiltDb): FootprintResult {
  return { size: built.size, bytes: built.bytes, bytesPerMemory: built.bytes / built.size };
}

export interface RssProbeResult {
  size: number;
  queries: number;
  /** Peak RSS of a process that opened the database and ran the queries in-process. */
  peakRssBytes: number;
  /** The same process's RSS just after opening the engine, before any query. */
  baselineRssBytes: number;
}

export async function recallRssProbe(ws: Workspace, built: BuiltDb, queries: readonly string[]): Promise<RssProbeResult> {
  progress(`peak RSS: engine recall in a child process over ${built.size} memories`);
  const file = join(ws.root, "probe-queries.json");
  writeFileSync(file, JSON.stringify(queries));
  const script = new URL("./rss-probe.ts", import.meta.url).pathname;
  const run = await spawnMeasured([process.execPath, "run", script, built.db, ws.project, file], { cwd: ws.root, env: process.env });
  const report = JSON.parse(run.stdout) as { baselineRssBytes: number; peakRssBytes: number };
  return { size: built.size, queries: queries.length, ...report };
}
