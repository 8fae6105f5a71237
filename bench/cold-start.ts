/**
 * @module Cold start of the compiled binary: wall time from spawn to exit of `cairn version` and of
 * `cairn recall <query>` against a built database (CPU time too, steadier on a busy machine), and the
 * recall process's peak RSS, measured in separate runs so the RSS wrapper costs the timings nothing.
 */
import type { BuiltDb, Workspace } from "./fixture.ts";
import { type Percentiles, percentiles, progress, spawnMeasured } from "./measure.ts";

export interface ColdStartResult {
  runs: number;
  version: Percentiles;
  versionCpu: Percentiles;
  recall: Percentiles;
  recallCpu: Percentiles;
  /** Against a database of this many memories. */
  recallSize: number;
  /** Largest peak RSS over a few `cairn recall` runs; null when it cannot be measured here. */
  recallPeakRssBytes: number | null;
}

const WARMUP = 3;
const RSS_RUNS = 3;

export async function coldStart(
  ws: Workspace,
  binary: string,
  built: BuiltDb,
  queries: readonly string[],
  runs: number,
): Promise<ColdStartResult> {
  progress(`cold start: ${runs} runs each of \`cairn version\` and \`cairn recall\` (${built.size} memories)`);
  const opts = { cwd: ws.project, env: { ...process.env, CAIRN_HOME: built.home } };
  const recallArgv = (i: number) => [binary, "recall", queries[i % queries.length]!, "--limit", "10", "--mode", "keyword"];
  const samples = { version: [] as number[], versionCpu: [] as number[], recall: [] as number[], recallCpu: [] as number[] };
  for (let i = 0; i < WARMUP + runs; i++) {
    // Alternate the two commands so drift on a busy machine hits both alike.
    const v = await spawnMeasured([binary, "version"], opts);
    const r = await spawnMeasured(recallArgv(i), opts);
    if (i < WARMUP) continue;
    samples.version.push(v.ms);
    samples.versionCpu.push(v.cpuMs);
    samples.recall.push(r.ms);
    samples.recallCpu.push(r.cpuMs);
  }
  let peak: number | null = null;
  for (let i = 0; i < RSS_RUNS; i++) {
    const { peakRss } = await spawnMeasured(recallArgv(i), { ...opts, rss: true });
    if (peakRss !== null) peak = Math.max(peak ?? 0, peakRss);
  }
  return {
    runs,
    version: percentiles(samples.version),
    versionCpu: percentiles(samples.versionCpu),
    recall: percentiles(samples.recall),
    recallCpu: percentiles(samples.recallCpu),
    recallSize: built.size,
    recallPeakRssBytes: peak,
  };
}
