/**
 * @module Changes on write in whole stores, not pairs: each memory of a blind coding or current set is
 * written in time order through Engine.remember (keyword search finds the candidates, as in a one-shot CLI),
 * and every conflict or supersede it reports is counted. bench/lifecycle.ts gives each labelled pair a store
 * of its own, so the new statement meets one candidate; here it meets its four nearest, most of them other
 * facts, which is where spurious flags come from. The sets label stale → current pairs (a coding set's
 * `superseded` searches, every current-set question); a flag outside them is mostly noise (not all: chains
 * like Node 18 → 20 → 22 label one step).
 *
 *   node scripts/bun.mjs run bench/write-flags.ts [--sets coding-e,coding-f,current-a,…] [--json] [--show-merged] [--show-superseded]
 *
 * Prints per set: memories, those merged into an earlier one (reinforced instead of stored: the set's
 * memories are all distinct, so each merge is worth reading with --show-merged), flags (supersedes among them), flags per memory, flags outside the labelled
 * pairs, and labelled pairs found. Fitted on coding-e/-f and current-a–e (session 28); coding-g and current-f
 * held out.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { Engine } from "../src/engine/engine.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";

interface StoreSet {
  memories: Array<{ id: string; project: string | null; kind: string; content: string; created: string }>;
  queries: Array<{ type?: string; relevant?: string[]; current?: string[]; stale?: string[] }>;
}

interface FlagReport {
  set: string;
  memories: number;
  flags: number;
  supersedes: number;
  flagsPerMemory: number;
  outsideLabels: number;
  labelled: number;
  found: number;
  /** Memories not stored: an existing one said the same (exactly, or in other words) and was reinforced. */
  merged: number;
}

const { values } = parseArgs({
  options: {
    sets: { type: "string", default: "coding-e,coding-f,coding-g,current-a,current-b,current-c,current-d,current-e,current-f" },
    json: { type: "boolean", default: false },
    "show-merged": { type: "boolean", default: false },
    "show-superseded": { type: "boolean", default: false },
  },
});
const fileOf = (name: string) => (name.includes("/") || name.endsWith(".json") ? name : `bench/data/${name}.json`);

function run(name: string): FlagReport {
  const set = JSON.parse(readFileSync(fileOf(name), "utf8")) as StoreSet;
  let clock = 0;
  const engine = new Engine({ store: new SqliteStore(":memory:"), project: "bench", actor: "bench", now: () => clock });
  const blindOf = new Map<string, string>();
  const flags: Array<{ newer: string; older: string; superseded: boolean }> = [];
  let merged = 0;
  try {
    for (const m of [...set.memories].sort((a, b) => Date.parse(a.created) - Date.parse(b.created))) {
      clock = Date.parse(m.created);
      const r = engine.remember({ content: m.content, type: m.kind, project: m.project, ttlMs: null, source: "bench" });
      if (!blindOf.has(r.id)) blindOf.set(r.id, m.id);
      if (r.status === "duplicate") {
        merged++;
        if (values["show-merged"]) process.stderr.write(`merged ${m.id} into ${blindOf.get(r.id)}:\n  new: ${m.content}\n  old: ${r.memory.content}\n`);
      }
      for (const c of r.conflicts ?? []) flags.push({ newer: m.id, older: blindOf.get(c.id)!, superseded: false });
      for (const c of r.superseded ?? []) flags.push({ newer: m.id, older: blindOf.get(c.id)!, superseded: true });
      if (values["show-superseded"]) for (const c of r.superseded ?? []) process.stderr.write(`superseded ${blindOf.get(c.id)} by ${m.id}:\n  new: ${m.content}\n  old: ${c.content}\n`);
    }
  } finally {
    engine.close();
  }
  const labelled = new Set<string>();
  for (const q of set.queries) {
    if (q.type !== "superseded" && !q.current) continue;
    for (const current of q.current ?? q.relevant ?? []) for (const stale of q.stale ?? []) labelled.add(`${current}>${stale}`);
  }
  const flagged = new Set(flags.map((f) => `${f.newer}>${f.older}`));
  const onLabels = flags.filter((f) => labelled.has(`${f.newer}>${f.older}`)).length;
  return {
    set: basename(name, ".json"),
    memories: set.memories.length,
    flags: flags.length,
    supersedes: flags.filter((f) => f.superseded).length,
    flagsPerMemory: Math.round((1000 * flags.length) / set.memories.length) / 1000,
    outsideLabels: flags.length - onLabels,
    labelled: labelled.size,
    found: [...labelled].filter((p) => flagged.has(p)).length,
    merged,
  };
}

const reports = values.sets!.split(",").map(run);
if (values.json) console.log(JSON.stringify(reports, null, 2));
else {
  console.log("set         memories  merged  flags  supersedes  per memory  outside labels  labelled pairs found");
  for (const r of reports) {
    console.log(`${r.set.padEnd(11)} ${String(r.memories).padStart(8)}  ${String(r.merged).padStart(6)}  ${String(r.flags).padStart(5)}  ${String(r.supersedes).padStart(10)}  ${r.flagsPerMemory.toFixed(3).padStart(10)}  ${String(r.outsideLabels).padStart(14)}  ${r.labelled > 0 ? `${r.found}/${r.labelled}` : "-"}`);
  }
}
