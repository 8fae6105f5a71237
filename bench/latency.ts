/**
 * @module In-process recall latency: `engine.recall` in keyword mode, limit 10, one query at a time, with
 * access tracking off (pure read) and on (the default: each recall also writes the access counts).
 */
import type { BuiltDb, Workspace } from "./fixture.ts";
import { openEngine } from "./fixture.ts";
import { nowMs, type Percentiles, percentiles, progress } from "./measure.ts";

export interface LatencyResult {
  size: number;
  queries: number;
  /** Share of queries that found at least one memory (a sanity check that the queries fit the corpus). */
  hitRate: number;
  untracked: Percentiles;
  tracked: Percentiles;
}

const WARMUP = 50;

export async function recallLatency(ws: Workspace, built: BuiltDb, queries: readonly string[]): Promise<LatencyResult> {
  const engine = openEngine(ws, built.db);
  try {
    const run = async (track: boolean) => {
      for (const query of queries.slice(0, WARMUP)) await engine.recall({ query, limit: 10, mode: "keyword", track });
      const samples: number[] = [];
      let hits = 0;
      for (const query of queries) {
        const started = nowMs();
        const result = await engine.recall({ query, limit: 10, mode: "keyword", track });
        samples.push(nowMs() - started);
        if (result.results.length > 0) hits++;
      }
      return { stats: percentiles(samples), hits };
    };
    progress(`recall latency at ${built.size}: ${queries.length} queries, untracked then tracked`);
    const untracked = await run(false);
    const tracked = await run(true);
    return {
      size: built.size,
      queries: queries.length,
      hitRate: untracked.hits / queries.length,
      untracked: untracked.stats,
      tracked: tracked.stats,
    };
  } finally {
    engine.close();
  }
}
