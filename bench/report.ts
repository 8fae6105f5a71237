/**
 * @module The benchmark's results: one JSON-ready object (snake_case, like cairn's other machine output),
 * the targets from the foundation issue checked against it, and the human table printed to stdout.
 */
import type { ColdStartResult } from "./cold-start.ts";
import type { BuiltDb } from "./fixture.ts";
import type { FootprintResult, RssProbeResult } from "./footprint.ts";
import type { LatencyResult } from "./latency.ts";
import { type Percentiles, round } from "./measure.ts";
import type { CliImportResult, RememberResult } from "./throughput.ts";

export interface SizeResults {
  built: BuiltDb;
  remember?: RememberResult;
  latency?: LatencyResult;
  footprint?: FootprintResult;
}

export interface AllResults {
  quick: boolean;
  sizes: number[];
  seconds: number;
  perSize: SizeResults[];
  cliImport: CliImportResult;
  coldStart: ColdStartResult;
  probe: RssProbeResult;
  benchPeakRssBytes: number;
}

export interface Target {
  name: string;
  value: number;
  unit: string;
  target: string;
  met: boolean;
}

/** The targets: recall p50 ≤ 2 ms at 10k in process, import ≥ 2,000/s, `cairn recall` ≤ 60 ms. */
export function checkTargets(r: AllResults): Target[] {
  const out: Target[] = [];
  for (const s of r.perSize) {
    out.push({ name: `import (engine) @${s.built.size}`, value: s.built.importPerSecond, unit: "/s", target: "≥ 2000/s", met: !s.built.abandoned && s.built.importPerSecond >= 2000 });
  }
  out.push({ name: `import (cairn binary) @${r.cliImport.size}`, value: r.cliImport.perSecond, unit: "/s", target: "≥ 2000/s", met: r.cliImport.perSecond >= 2000 });
  const at10k = r.perSize.find((s) => s.built.size === 10_000)?.latency;
  if (at10k) {
    out.push({ name: "recall keyword p50 @10000", value: at10k.untracked.p50, unit: "ms", target: "≤ 2 ms", met: at10k.untracked.p50 <= 2 });
    out.push({ name: "recall keyword+track p50 @10000", value: at10k.tracked.p50, unit: "ms", target: "≤ 2 ms", met: at10k.tracked.p50 <= 2 });
  }
  out.push({ name: `cairn recall cold start p50 @${r.coldStart.recallSize}`, value: r.coldStart.recall.p50, unit: "ms", target: "≤ 60 ms", met: r.coldStart.recall.p50 <= 60 });
  return out;
}

const pct = (p: Percentiles) => ({ p50: round(p.p50), p95: round(p.p95), p99: round(p.p99), mean: round(p.mean), n: p.n });

export function toJson(r: AllResults, extra: Record<string, unknown>): Record<string, unknown> {
  const results: Record<string, unknown> = {};
  for (const s of r.perSize) {
    const b = s.built;
    results[String(b.size)] = {
      import: { seconds: round(b.importSeconds), per_second: round(b.importPerSecond, 1), created: b.created, ...(b.abandoned ? { abandoned: b.abandoned } : {}) },
      ...(s.remember ? { remember: { calls: s.remember.calls, per_second: round(s.remember.perSecond, 1), mean_ms: round(s.remember.meanMs) } } : {}),
      ...(s.latency
        ? { recall: { queries: s.latency.queries, hit_rate: round(s.latency.hitRate), untracked_ms: pct(s.latency.untracked), tracked_ms: pct(s.latency.tracked) } }
        : {}),
      ...(s.footprint ? { db: { bytes: s.footprint.bytes, bytes_per_memory: round(s.footprint.bytesPerMemory, 1) } } : {}),
    };
  }
  return {
    bench: "foundation",
    ...extra,
    quick: r.quick,
    sizes: r.sizes,
    seconds: round(r.seconds, 1),
    results,
    cli: {
      size: r.cliImport.size,
      import: { seconds: round(r.cliImport.wallSeconds), per_second: round(r.cliImport.perSecond, 1), peak_rss_bytes: r.cliImport.peakRssBytes },
      // null peak RSS: no /usr/bin/time on this machine, and rusage of a spawned child is not trustworthy.
      cold_start: {
        runs: r.coldStart.runs,
        size: r.coldStart.recallSize,
        version_ms: pct(r.coldStart.version),
        version_cpu_ms: pct(r.coldStart.versionCpu),
        recall_ms: pct(r.coldStart.recall),
        recall_cpu_ms: pct(r.coldStart.recallCpu),
        recall_peak_rss_bytes: r.coldStart.recallPeakRssBytes,
      },
    },
    rss: {
      engine_recall: { size: r.probe.size, peak_rss_bytes: r.probe.peakRssBytes, baseline_rss_bytes: r.probe.baselineRssBytes },
      bench_process_peak_bytes: r.benchPeakRssBytes,
    },
    targets: checkTargets(r).map((t) => ({ name: t.name, value: round(t.value), unit: t.unit, target: t.target, met: t.met })),
  };
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const mb = (bytes: number | null) => (bytes === null ? "n/a (no /usr/bin/time)" : `${(bytes / 1048576).toFixed(1)} MB`);
const trio = (p: Percentiles) => `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.p99)} ms`;

export function toTable(r: AllResults): string {
  const targets = new Map(checkTargets(r).map((t) => [t.name, t]));
  const rows: string[][] = [["scenario", "N", "value", "target", "met"]];
  const row = (name: string, n: number | string, value: string, targetName?: string) => {
    const t = targetName ? targets.get(targetName) : undefined;
    rows.push([name, typeof n === "number" ? int(n) : n, value, t?.target ?? "", t ? (t.met ? "yes" : "NO") : ""]);
  };
  for (const s of r.perSize) {
    const b = s.built;
    const imp = b.abandoned
      ? `${int(b.importPerSecond)} /s, abandoned at ${int(b.abandoned.done)} (projected ${int(b.abandoned.projectedSeconds)} s)`
      : `${int(b.importPerSecond)} /s (${b.importSeconds.toFixed(1)} s)`;
    row("import, engine, one JSONL batch", b.size, imp, `import (engine) @${b.size}`);
    if (s.remember) row(`remember, ${int(s.remember.calls)} single calls on top`, b.size, `${int(s.remember.perSecond)} /s (${ms(s.remember.meanMs)} ms each)`);
    if (s.latency) {
      row("recall keyword p50/p95/p99", b.size, trio(s.latency.untracked), `recall keyword p50 @${b.size}`);
      row("recall keyword+track p50/p95/p99", b.size, trio(s.latency.tracked), `recall keyword+track p50 @${b.size}`);
    }
    if (s.footprint) row("db size per memory (db+wal)", b.size, `${int(s.footprint.bytesPerMemory)} B (${mb(s.footprint.bytes)})`);
  }
  const c = r.cliImport;
  row("import, cairn binary (spawn to exit)", c.size, `${int(c.perSecond)} /s (${c.wallSeconds.toFixed(2)} s)`, `import (cairn binary) @${c.size}`);
  const cs = r.coldStart;
  const cpu = (p: Percentiles) => `(cpu p50 ${ms(p.p50)} ms)`;
  row(`cold start cairn version p50/p95/p99`, "-", `${trio(cs.version)} ${cpu(cs.versionCpu)}`);
  row(`cold start cairn recall p50/p95/p99`, cs.recallSize, `${trio(cs.recall)} ${cpu(cs.recallCpu)}`, `cairn recall cold start p50 @${cs.recallSize}`);
  row("peak RSS cairn recall", cs.recallSize, mb(cs.recallPeakRssBytes));
  row("peak RSS cairn import", c.size, mb(c.peakRssBytes));
  row(`peak RSS engine recall (child, ${int(r.probe.queries)} q)`, r.probe.size, `${mb(r.probe.peakRssBytes)} (after open ${mb(r.probe.baselineRssBytes)})`);
  row("peak RSS bench process (incl. corpus+import)", "-", mb(r.benchPeakRssBytes));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ").trimEnd();
  const sep = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(rows[0]!), sep, ...rows.slice(1).map(line), "", `total ${r.seconds.toFixed(0)} s`].join("\n");
}
