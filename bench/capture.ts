/**
 * @module Rule-based capture (src/capture/extract.ts) on labelled prompts: precision (captures that match an
 * expected memory: same type, content holding the expected words), recall, silence on prompts that should leave
 * nothing, and scope. The test fixture's sets (cases, holdout, first blind set) beside the blind sets of
 * session 37: bench/data/capture-c.json, capture-d.json and capture-e.json (tuned on) and capture-f.json (held out:
 * never looked at).
 *
 *   node scripts/bun.mjs run bench/capture.ts [--json]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { extractCaptures } from "../src/capture/extract.ts";

export interface Case {
  prompt: string;
  expect: Array<{ type: string; contains: string; scope?: string }>;
}

export interface CaptureScore {
  prompts: number;
  precision: number;
  recall: number;
  captured: number;
  expected: number;
  /** Prompts labelled with nothing that captured nothing, of how many. */
  silent: [number, number];
  /** Matched captures whose scope is the labelled one, of how many. */
  scope: [number, number];
  /** Each false capture and each miss, one line each (for looking at a set that may be looked at). */
  misses: string[];
}

export function scoreCapture(cases: readonly Case[]): CaptureScore {
  let captured = 0;
  let correct = 0;
  let expected = 0;
  let found = 0;
  const silent: [number, number] = [0, 0];
  const scope: [number, number] = [0, 0];
  const misses: string[] = [];
  for (const c of cases) {
    const got = extractCaptures(c.prompt);
    const matches = (g: (typeof got)[number], e: Case["expect"][number]) => g.type === e.type && g.content.toLowerCase().includes(e.contains.toLowerCase());
    captured += got.length;
    expected += c.expect.length;
    if (c.expect.length === 0) {
      silent[1]++;
      if (got.length === 0) silent[0]++;
    }
    const shown = JSON.stringify(c.prompt.slice(0, 70));
    for (const g of got) {
      const e = c.expect.find((x) => matches(g, x));
      if (!e) {
        misses.push(`false capture: ${shown} → ${g.type}: ${g.content}`);
        continue;
      }
      correct++;
      if (e.scope) {
        scope[1]++;
        if (g.scope === e.scope) scope[0]++;
      }
    }
    for (const e of c.expect) {
      if (got.some((g) => matches(g, e))) found++;
      else misses.push(`missed: ${shown} (want ${e.type} ~ ${e.contains}; got ${JSON.stringify(got.map((g) => `${g.type}: ${g.content}`))})`);
    }
  }
  return { prompts: cases.length, precision: captured === 0 ? 0 : correct / captured, recall: expected === 0 ? 0 : found / expected, captured, expected, silent, scope, misses };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { json: { type: "boolean", default: false } } });
  const root = join(import.meta.dir, "..");
  const fixture = JSON.parse(readFileSync(join(root, "test/fixtures/capture/prompts.json"), "utf8")) as Record<string, Case[]>;
  const blind = JSON.parse(readFileSync(join(root, "bench/data/capture-c.json"), "utf8")) as Record<string, Case[]>;
  const tuned = JSON.parse(readFileSync(join(root, "bench/data/capture-d.json"), "utf8")) as Record<string, Case[]>;
  const tunedToo = JSON.parse(readFileSync(join(root, "bench/data/capture-e.json"), "utf8")) as Record<string, Case[]>;
  const heldOut = JSON.parse(readFileSync(join(root, "bench/data/capture-f.json"), "utf8")) as Record<string, Case[]>;
  const sets: Record<string, Case[]> = {
    "fixture cases": fixture.cases!,
    "fixture holdout": fixture.holdout!,
    "fixture blind": fixture.blind!,
    "capture-c fit": blind.fit!,
    "capture-c second half": blind.heldout!,
    "capture-d": tuned.heldout!,
    "capture-e": tunedToo.heldout!,
    "capture-f (held out)": heldOut.heldout!,
  };
  const scores = Object.fromEntries(Object.entries(sets).map(([name, cases]) => [name, scoreCapture(cases)]));
  if (values.json) process.stdout.write(`${JSON.stringify(scores, (key, value) => (key === "misses" ? undefined : value))}\n`);
  else {
    const f = (x: number) => x.toFixed(3);
    const rows = ["set                    prompts  precision  recall  silent    scope right"];
    for (const [name, s] of Object.entries(scores)) {
      rows.push(`${name.padEnd(22)} ${String(s.prompts).padEnd(8)} ${f(s.precision).padEnd(10)} ${f(s.recall).padEnd(7)} ${`${s.silent[0]}/${s.silent[1]}`.padEnd(9)} ${s.scope[0]}/${s.scope[1]}`);
    }
    process.stdout.write(`${rows.join("\n")}\n`);
  }
}
