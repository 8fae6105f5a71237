/** @module The fault campaign's summary: one row per scenario (trials, failures, acknowledged, lost), totals, skips with their reasons. */
import type { Ledger, Options } from "./env.ts";

export function summaryTable(ledger: Ledger, opts: Options, seconds: number): string {
  const rows = [...ledger.rows].map(([name, o]) => [name, o.skipped ? "skipped" : String(o.trials), String(o.failures.length), String(o.acknowledged), String(o.lost), String(o.interrupted)]);
  const total = totals(ledger);
  rows.push(["total", String(total.trials), String(total.failures), String(total.acknowledged), String(total.lost), String(total.interrupted)]);
  const head = ["scenario", "trials", "failures", "acknowledged", "lost", "killed mid-way"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const out = [`cairn fault campaign — seed ${opts.seed}, ${seconds.toFixed(0)} s`, fmt(head), ...rows.map(fmt)];
  for (const [name, o] of ledger.rows) if (o.skipped) out.push(`skipped ${name}: ${o.skipped}`);
  for (const [name, o] of ledger.rows) for (const f of o.failures.slice(0, 10)) out.push(`failure ${name}: ${f}`);
  out.push(total.failures === 0 && total.lost === 0 ? "target met: no failures, no acknowledged write lost" : "TARGET MISSED");
  return out.join("\n");
}

export function summaryJson(ledger: Ledger, opts: Options, seconds: number) {
  return {
    bench: "faults",
    seed: opts.seed,
    quick: opts.quick,
    trials_per_operation: opts.trials,
    seconds: Math.round(seconds),
    scenarios: Object.fromEntries(
      [...ledger.rows].map(([name, o]) => [name, { trials: o.trials, failures: o.failures, acknowledged: o.acknowledged, lost: o.lost, interrupted: o.interrupted, skipped: o.skipped ?? null }]),
    ),
    totals: totals(ledger),
  };
}

function totals(ledger: Ledger) {
  const t = { trials: 0, failures: 0, acknowledged: 0, lost: 0, interrupted: 0, skipped: 0 };
  for (const o of ledger.rows.values()) {
    t.trials += o.trials;
    t.failures += o.failures.length;
    t.acknowledged += o.acknowledged;
    t.lost += o.lost;
    t.interrupted += o.interrupted;
    if (o.skipped) t.skipped++;
  }
  return t;
}
