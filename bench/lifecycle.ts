/**
 * @module Updates and contradictions on write, on blind labelled pairs (bench/data/pairs-*.jsonl, written by
 * a helper that never saw the rules): each pair goes into a fresh store through Engine.remember, old first,
 * and what the second write did is compared with the label (update, contradiction, addition, duplicate,
 * unrelated). Prints, per set: flag precision and recall (updates and contradictions reported as conflicts),
 * additions and unrelated pairs wrongly flagged, and what became a duplicate.
 *
 *   node scripts/bun.mjs run bench/lifecycle.ts [--sets a,b,path/to/pairs.jsonl] [--json] [--show]
 *
 * Set a may be fitted on; set b is held out. A flag is either outcome that names the older memory: superseded
 * on its own (when confident, src/engine/related-on-write.ts) or returned as a possible conflict. Supersede
 * precision counts updates and contradictions as right (a newer contradicting statement replaces the older).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { changeSignals } from "../src/capture/change-rules.ts";
import { statementParts } from "../src/capture/statement-parts.ts";
import { Engine } from "../src/engine/engine.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";

type Label = "update" | "contradiction" | "addition" | "duplicate" | "unrelated";
/** What the second write did: superseded the first, reported it as a conflict, reinforced it as a duplicate, or nothing. */
type Outcome = "superseded" | "conflict" | "duplicate" | "none";

function outcome(prev: string, next: string): Outcome {
  let clock = Date.parse("2026-06-01T00:00:00Z");
  const engine = new Engine({ store: new SqliteStore(":memory:"), project: "bench", actor: "bench", now: () => clock });
  try {
    engine.remember({ content: prev, type: "fact" });
    clock += 86_400_000;
    const r = engine.remember({ content: next, type: "fact" });
    if (r.status === "duplicate") return "duplicate";
    if (r.superseded?.length) return "superseded";
    return r.conflicts?.length ? "conflict" : "none";
  } finally {
    engine.close();
  }
}

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);
export type PairsReport = Record<string, number | null | Record<string, Record<Outcome, number>>>;

/** Each pairs file (JSON lines of {old, new, label}) through Engine.remember; keyed by file name without `.jsonl`. */
export function runPairs(files: readonly string[], opts: { show?: boolean } = {}): Record<string, PairsReport> {
  const results: Record<string, PairsReport> = {};
  for (const file of files) {
    const name = basename(file, ".jsonl");
    const pairs = readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as { old: string; new: string; label: Label });
    const table: Record<string, Record<Outcome, number>> = {};
    for (const p of pairs) {
      const o = outcome(p.old, p.new);
      (table[p.label] ??= { superseded: 0, conflict: 0, duplicate: 0, none: 0 })[o]++;
      const change = p.label === "update" || p.label === "contradiction";
      if (opts.show && (change !== (o === "conflict" || o === "superseded") || (p.label === "duplicate") !== (o === "duplicate") || (o === "superseded" && !change))) {
        const s = changeSignals(statementParts(p.old), statementParts(p.new), p.old, p.new);
        process.stderr.write(`${p.label} → ${o}  ${JSON.stringify(s)}\n  old: ${p.old}\n  new: ${p.new}\n`);
      }
    }
    const sum = (o: Outcome | "flag", labels: Label[]): number =>
      o === "flag" ? sum("superseded", labels) + sum("conflict", labels) : labels.reduce((n, l) => n + (table[l]?.[o] ?? 0), 0);
    const count = (labels: Label[]) => labels.reduce((n, l) => n + Object.values(table[l] ?? {}).reduce((a, b) => a + b, 0), 0);
    const all: Label[] = ["update", "contradiction", "addition", "duplicate", "unrelated"];
    const changes: Label[] = ["update", "contradiction"];
    results[name] = {
      pairs: pairs.length,
      supersede_precision: ratio(sum("superseded", changes), sum("superseded", all)),
      supersede_recall: ratio(sum("superseded", changes), count(changes)),
      flag_precision: ratio(sum("flag", changes), sum("flag", all)),
      flag_recall: ratio(sum("flag", changes), count(changes)),
      flag_recall_updates: ratio(sum("flag", ["update"]), count(["update"])),
      flag_recall_contradictions: ratio(sum("flag", ["contradiction"]), count(["contradiction"])),
      additions_flagged: ratio(sum("flag", ["addition"]) + sum("duplicate", ["addition"]), count(["addition"])),
      unrelated_flagged: ratio(sum("flag", ["unrelated"]) + sum("duplicate", ["unrelated"]), count(["unrelated"])),
      // A paraphrase-duplicate reinforces the older memory instead of being stored (capture/compare.ts saysTheSame).
      duplicate_precision: ratio(sum("duplicate", ["duplicate"]), sum("duplicate", all)),
      duplicate_recall: ratio(sum("duplicate", ["duplicate"]), count(["duplicate"])),
      table,
    };
  }
  return results;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { sets: { type: "string", default: "a,b" }, json: { type: "boolean", default: false }, show: { type: "boolean", default: false } } });
  const results = runPairs(values.sets!.split(",").map((n) => (n.includes("/") || n.endsWith(".jsonl") ? n : `bench/data/pairs-${n}.jsonl`)), { show: values.show });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } else {
    for (const [name, r] of Object.entries(results)) {
      process.stdout.write(`set ${name} (${r.pairs} pairs)\n`);
      for (const [k, v] of Object.entries(r)) if (k !== "table" && k !== "pairs") process.stdout.write(`  ${k.padEnd(44)} ${v ?? "-"}\n`);
      process.stdout.write("  label          superseded conflict duplicate none\n");
      for (const [label, t] of Object.entries(r.table as Record<string, Record<Outcome, number>>)) {
        process.stdout.write(`  ${label.padEnd(14)} ${String(t.superseded).padStart(10)} ${String(t.conflict).padStart(8)} ${String(t.duplicate).padStart(9)} ${String(t.none).padStart(4)}\n`);
      }
    }
  }
}
