/**
 * @module Fits the models of src/hooks/inject-model.ts on the prompts of the blind inject sets: each prompt's
 * candidates and their evidence as the UserPromptSubmit hook gathers them (hooks/inject-evidence.ts), label 1
 * for a memory the set says should be injected. Two models: with meaning (the warm daemon, model loaded) and
 * words only (a cold hook). Prints both as the source holds them, then for every set what the shipped models
 * inject at INJECT_BAR (the hook's top PROMPT_LIMIT at or above it, nothing for a prompt of fewer than two
 * terms): precision, recall, silence on prompts that should get nothing, and how many labelled memories were
 * among the candidates at all. Fit sets first, then the held-out ones, pooled.
 *
 *   node scripts/bun.mjs run bench/inject-model.ts [--fit a,c,e,g,i] [--sets b,d,f,h,j] [--l2 0.01]
 *
 * The hooks' whole behaviour (rules a prompt runs into, PreToolUse) is measured by bench/inject.ts.
 */
import { parseArgs } from "node:util";
import { Engine } from "../src/engine/engine.ts";
import { detectProjectKey } from "../src/config/project.ts";
import { promptEvidence } from "../src/hooks/inject-evidence.ts";
import { INJECT_BAR, type InjectModel, injectFeatures, injectLikelihood, MEANING_MODEL, WORDS_MODEL } from "../src/hooks/inject-model.ts";
import { MIN_PROMPT_TERMS, PROMPT_LIMIT } from "../src/hooks/prompt.ts";
import { type InjectTally, injectSet, openSet } from "./inject.ts";
import { fitLogistic } from "./logistic.ts";

const { values } = parseArgs({
  options: {
    fit: { type: "string", default: "a,c,e,g,i" },
    sets: { type: "string", default: "b,d,f,h,j" },
    l2: { type: "string", default: "0.01" },
  },
});

interface Row {
  x: number[];
  y: number;
  /** The evidence, for the shipped model's likelihood. */
  p: number;
}
interface PromptCase {
  rows: Row[];
  /** Labelled memories, and how many of them were candidates. */
  wanted: number;
  found: number;
  terms: number;
}

/** Every prompt of a set with its candidates, with meaning and with words only. */
async function cases(name: string): Promise<{ meaning: PromptCase[]; words: PromptCase[] }> {
  const set = await openSet(injectSet(`bench/data/inject-${name}.json`), false);
  const out = { meaning: [] as PromptCase[], words: [] as PromptCase[] };
  try {
    const now = Date.now();
    for (const l of set.labels.prompts) {
      const engine = new Engine({ store: set.store, project: detectProjectKey(set.dirs.get(l.project)!), actor: "bench", now: () => now, channels: set.dense ? { dense: set.dense } : {} });
      const want = new Set(l.inject);
      for (const [kind, dense] of [["meaning", set.dense], ["words", null]] as const) {
        const evidence = await promptEvidence(engine, dense, l.prompt!.slice(0, 2000), () => true);
        const rows = evidence.map((e) => ({ x: injectFeatures(e), y: want.has(set.setId.get(e.memory.id)!) ? 1 : 0, p: injectLikelihood(e) }));
        out[kind].push({ rows, wanted: want.size, found: rows.filter((r) => r.y === 1).length, terms: evidence[0]?.terms ?? 0 });
      }
    }
  } finally {
    await set.dispose();
  }
  return out;
}

/** What the hook would inject: the best PROMPT_LIMIT at or above the bar. */
function tallyOf(prompts: readonly PromptCase[], p: (r: Row) => number): InjectTally & { found: number; wanted: number } {
  const t = { events: 0, tp: 0, fp: 0, fn: 0, empty: 0, silent: 0, found: 0, wanted: 0 };
  for (const c of prompts) {
    const chosen = c.terms < MIN_PROMPT_TERMS ? [] : c.rows.filter((r) => p(r) >= INJECT_BAR).sort((a, b) => p(b) - p(a)).slice(0, PROMPT_LIMIT);
    const tp = chosen.filter((r) => r.y === 1).length;
    t.events++;
    t.tp += tp;
    t.fp += chosen.length - tp;
    t.fn += c.wanted - tp;
    t.found += c.found;
    t.wanted += c.wanted;
    if (c.wanted === 0) {
      t.empty++;
      if (chosen.length === 0) t.silent++;
    }
  }
  return t;
}

const line = (name: string, t: ReturnType<typeof tallyOf>) =>
  `${name.padEnd(22)} ${String(t.events).padStart(4)}  P ${(t.tp / Math.max(1, t.tp + t.fp)).toFixed(3)}  R ${(t.tp / Math.max(1, t.tp + t.fn)).toFixed(3)}  silence ${(t.silent / Math.max(1, t.empty)).toFixed(3)} (${t.empty})  candidates hold ${(t.found / Math.max(1, t.wanted)).toFixed(3)} of the labelled`;

const fitNames = values.fit!.split(",");
const heldNames = values.sets!.split(",");
const all = new Map<string, Awaited<ReturnType<typeof cases>>>();
for (const name of [...fitNames, ...heldNames]) {
  process.stderr.write(`inject-model: inject-${name}\n`);
  all.set(name, await cases(name));
}
const l2 = Number(values.l2);
for (const [kind, shipped] of [["meaning", MEANING_MODEL], ["words", WORDS_MODEL]] as const) {
  const train = fitNames.flatMap((n) => all.get(n)![kind].flatMap((c) => c.rows));
  const model: InjectModel = fitLogistic(train, l2);
  process.stdout.write(`${kind} model (fit on prompts of inject ${values.fit}, ${train.length} candidates):\n${JSON.stringify(model)}\n`);
  if (JSON.stringify(model) !== JSON.stringify(shipped)) process.stdout.write("(differs from the model in src/hooks/inject-model.ts, which the figures below use)\n");
  for (const [label, names] of [["fit", fitNames], ["held out", heldNames]] as const) {
    for (const n of names) process.stdout.write(`  ${line(`inject-${n}`, tallyOf(all.get(n)![kind], (r) => r.p))}\n`);
    process.stdout.write(`  ${line(`${label} (pooled)`, tallyOf(names.flatMap((n) => all.get(n)![kind]), (r) => r.p))}\n`);
  }
}
