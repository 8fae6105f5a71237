/**
 * @module Smoke test of the foundation benchmark: `bench/run.ts --quick --json` runs end to end against the
 * compiled binary and reports every number it promises as a finite positive value. Not a timing assertion.
 */
import { expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { CAIRN_BIN, REPO_ROOT, requireBinary } from "./helpers/bin.ts";

requireBinary();
setDefaultTimeout(180_000);

type Json = Record<string, unknown>;

function at(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((o, key) => (o as Json | undefined)?.[key], obj);
}

function expectPositive(obj: unknown, path: string): void {
  const value = at(obj, path);
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${path} should be a finite positive number, got ${JSON.stringify(value)}`);
  }
}

test("bench --quick --json reports finite positive numbers for every scenario", async () => {
  const proc = Bun.spawn([process.execPath, "run", join(REPO_ROOT, "bench", "run.ts"), "--quick", "--json", "--binary", CAIRN_BIN], {
    cwd: REPO_ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`bench exited ${code}:\n${stderr}`);
  const lines = stdout.trim().split("\n");
  expect(lines.length).toBeGreaterThan(1); // the table, then the JSON
  const report = JSON.parse(lines[lines.length - 1]!) as Json;

  expect(report.bench).toBe("foundation");
  expect(report.quick).toBe(true);
  const sizes = report.sizes as number[];
  expect(sizes.length).toBeGreaterThan(0);
  for (const size of sizes) {
    const base = `results.${size}`;
    for (const path of ["import.per_second", "import.seconds", "remember.per_second", "remember.mean_ms", "db.bytes", "db.bytes_per_memory"]) {
      expectPositive(report, `${base}.${path}`);
    }
    for (const kind of ["untracked_ms", "tracked_ms"]) {
      for (const p of ["p50", "p95", "p99", "mean"]) expectPositive(report, `${base}.recall.${kind}.${p}`);
    }
  }
  for (const path of [
    "cli.size",
    "cli.import.per_second",
    "cli.cold_start.version_ms.p50",
    "cli.cold_start.version_ms.p95",
    "cli.cold_start.version_cpu_ms.p50",
    "cli.cold_start.recall_ms.p50",
    "cli.cold_start.recall_ms.p95",
    "cli.cold_start.recall_cpu_ms.p50",
    "rss.engine_recall.peak_rss_bytes",
    "rss.bench_process_peak_bytes",
  ]) {
    expectPositive(report, path);
  }
  // Peak RSS of spawned binaries needs /usr/bin/time; without it the bench reports null rather than a wrong number.
  for (const path of ["cli.import.peak_rss_bytes", "cli.cold_start.recall_peak_rss_bytes"]) {
    if (at(report, path) !== null) expectPositive(report, path);
  }
  const targets = report.targets as Array<{ name: string; value: number; met: boolean }>;
  expect(targets.length).toBeGreaterThan(0);
  for (const t of targets) {
    expect(Number.isFinite(t.value) && t.value > 0).toBe(true);
    expect(typeof t.met).toBe("boolean");
  }
});
