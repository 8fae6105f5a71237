/**
 * @module Fits the model of src/capture/change-model.ts: logistic regression (standardised features, L2, plain
 * gradient descent, deterministic) on the blind labelled pairs of the fit sets, label 1 for an update or a
 * contradiction, 0 for an addition, a duplicate or an unrelated pair. Prints the model as the source holds it,
 * then for each held-out set what the model adds where the rules decide nothing (the only pairs it is asked
 * about): changes found, additions and other pairs wrongly flagged.
 *
 *   node scripts/bun.mjs run bench/change-model.ts [--fit a,b,c,d,e,f] [--sets g,h,i,j,k,l] [--l2 0.01]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { changeFeatures, changeLikelihood, CHANGE_MODEL } from "../src/capture/change-model.ts";
import { changeOfByRules, LIKELY_CHANGE } from "../src/capture/change-rules.ts";
import { type Example as LogisticExample, fitLogistic } from "./logistic.ts";

const { values } = parseArgs({
  options: {
    fit: { type: "string", default: "a,b,c,d,e,f" },
    sets: { type: "string", default: "g,h,i,j,k,l" },
    l2: { type: "string", default: "0.01" },
  },
});

interface Example extends LogisticExample {
  label: string;
  /** The rules decide nothing for it: the model is asked. */
  undecided: boolean;
}

function examples(set: string): Example[] {
  return readFileSync(`bench/data/pairs-${set}.jsonl`, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const p = JSON.parse(l) as { old: string; new: string; label: string };
      const { comparison, undecided, parts, signals } = changeOfByRules(p.old, p.new);
      const x = changeFeatures(parts[0], parts[1], signals, comparison.relation, p.old.length, p.new.length);
      return { x, y: p.label === "update" || p.label === "contradiction" ? 1 : 0, label: p.label, undecided };
    });
}

const train = values.fit!.split(",").flatMap(examples);
const model = fitLogistic(train, Number(values.l2));
process.stdout.write(`model (fit on pairs ${values.fit}, ${train.length} pairs):\n${JSON.stringify(model)}\n`);
if (JSON.stringify(model) !== JSON.stringify(CHANGE_MODEL)) process.stdout.write("(differs from the model in src/capture/change-model.ts, which the figures below use)\n");
process.stdout.write(`\nwhat the shipped model adds where the rules decide nothing (probability ≥ ${LIKELY_CHANGE}):\n`);
for (const set of values.sets!.split(",")) {
  const all = examples(set);
  const added = all.filter((e) => e.undecided && changeLikelihood(e.x) >= LIKELY_CHANGE);
  const changes = all.filter((e) => e.y === 1).length;
  const additions = all.filter((e) => e.label === "addition").length;
  const found = added.filter((e) => e.y === 1).length;
  const addFlagged = added.filter((e) => e.label === "addition").length;
  process.stdout.write(
    `  pairs-${set}: +${found} of ${changes} changes (flag recall +${(found / changes).toFixed(3)}), +${addFlagged} of ${additions} additions, +${added.length - found - addFlagged} other pairs wrongly flagged\n`,
  );
}
