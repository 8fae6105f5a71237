/**
 * @module Write throughput: single `engine.remember` calls (each its own transaction) on top of a database
 * already holding N memories, and `cairn import` through the compiled binary (spawn to exit).
 */
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchMemory } from "./corpus.ts";
import { toJsonl } from "./corpus.ts";
import { type BuiltDb, homeFor, openEngine, type Workspace } from "./fixture.ts";
import { nowMs, progress, spawnMeasured } from "./measure.ts";

export interface RememberResult {
  size: number;
  calls: number;
  perSecond: number;
  /** Per-call latency percentiles would hide nothing here: each call is one commit. Mean is enough. */
  meanMs: number;
}

/** `extra.length` remember calls into a copy of `base`'s database (so `base` stays at exactly N). */
export function rememberThroughput(ws: Workspace, base: BuiltDb, extra: readonly BenchMemory[]): RememberResult {
  const { db } = homeFor(ws, `remember-${base.size}`);
  copyFileSync(base.db, db);
  const engine = openEngine(ws, db);
  try {
    progress(`remember: ${extra.length} single calls on ${base.size}`);
    const started = nowMs();
    for (const m of extra) engine.remember({ content: m.content, type: m.type, tags: m.tags });
    const ms = nowMs() - started;
    return { size: base.size, calls: extra.length, perSecond: (extra.length / ms) * 1000, meanMs: ms / extra.length };
  } finally {
    engine.close();
  }
}

export interface CliImportResult {
  size: number;
  wallSeconds: number;
  perSecond: number;
  /** Peak resident set size of the `cairn import` process, when measurable. */
  peakRssBytes: number | null;
}

/** Runs `cairn import file.jsonl` against an empty CAIRN_HOME, from the project directory. */
export async function cliImport(ws: Workspace, binary: string, memories: readonly BenchMemory[]): Promise<CliImportResult> {
  const { home } = homeFor(ws, `cli-import-${memories.length}`);
  const file = join(ws.root, `import-${memories.length}.jsonl`);
  writeFileSync(file, toJsonl(memories));
  progress(`cairn import: ${memories.length} memories through the binary`);
  // GNU time's own start-up (~1 ms) is noise against an import of thousands, so one run gives both numbers.
  const run = await spawnMeasured([binary, "import", file, "--quiet", "--json"], {
    cwd: ws.project,
    env: { ...process.env, CAIRN_HOME: home },
    rss: true,
  });
  const report = JSON.parse(run.stdout) as { lines: number };
  if (report.lines !== memories.length) throw new Error(`cairn import read ${report.lines} lines, expected ${memories.length}`);
  const wallSeconds = run.ms / 1000;
  return { size: memories.length, wallSeconds, perSecond: memories.length / wallSeconds, peakRssBytes: run.peakRss };
}
