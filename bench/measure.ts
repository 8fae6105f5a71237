/** @module Small measuring helpers shared by the benchmark scenarios: percentiles, timers, sizes, progress. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  n: number;
}

/** Nearest-rank percentiles of `samples` (any unit). */
export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return { p50: at(50), p95: at(95), p99: at(99), mean, n: sorted.length };
}

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export function nowMs(): number {
  return Bun.nanoseconds() / 1e6;
}

/** Bytes of a SQLite database on disk: the main file plus its WAL, if any. */
export function dbBytes(path: string): number {
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  return size(path) + size(`${path}-wal`);
}

/**
 * Peak resident set size of this process so far, in bytes. On Linux this is VmHWM, which starts afresh at
 * exec; getrusage's maxRSS would also count the parent's memory at fork time.
 */
export function selfPeakRss(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

const GNU_TIME = "/usr/bin/time";

export interface SpawnResult {
  /** Wall time from spawn to exit. */
  ms: number;
  /** User + system CPU time of the process: steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Peak RSS in bytes, when asked for and measurable (else null). */
  peakRss: number | null;
  stdout: string;
}

/**
 * Runs `argv` to completion and times it. With `rss`, runs it under GNU time (a small parent, so maxRSS is
 * the child's own): Bun.spawn's resourceUsage() would also count this process's memory at fork time,
 * which for a benchmark holding a corpus is most of the number. Throws when the process fails.
 */
export async function spawnMeasured(
  argv: string[],
  opts: { cwd: string; env: Record<string, string | undefined>; rss?: boolean },
): Promise<SpawnResult> {
  const wrap = opts.rss === true && existsSync(GNU_TIME);
  const dir = wrap ? mkdtempSync(join(tmpdir(), "cairn-bench-rss-")) : null;
  try {
    const file = dir ? join(dir, "rss") : "";
    const full = dir ? [GNU_TIME, "-f", "%M", "-o", file, ...argv] : argv;
    const started = nowMs();
    const proc = Bun.spawn(full, { cwd: opts.cwd, env: opts.env, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    const ms = nowMs() - started;
    if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}: ${stderr.trim() || stdout.trim()}`);
    const cpu = proc.resourceUsage()?.cpuTime.total;
    let peakRss: number | null = null;
    if (dir) {
      const kb = Number(readFileSync(file, "utf8").trim().split("\n").pop());
      if (Number.isFinite(kb) && kb > 0) peakRss = kb * 1024;
    }
    return { ms, cpuMs: cpu === undefined ? Number.NaN : Number(cpu) / 1000, peakRss, stdout };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Progress for people watching: stderr only, stdout is the report's. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
