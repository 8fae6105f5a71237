/**
 * @module Fits the model of src/retrieve/later-model.ts: every pair recall's later-first step weighs (a later
 * statement up to BELOW places below an earlier one among the best ten, hybrid mode), collected on the unmoved
 * order of the blind current and coding sets, labelled 1 when the later one answers the search (current /
 * relevant) and the earlier does not, 0 the other way round; pairs where both or neither answer are left out.
 * Prints the model as the source holds it, then on every set the pairs the shipped model moves ahead (right /
 * wrong) for fit and held-out sets. What the moves do to ranking is measured by bench/current.ts and
 * bench/coding.ts.
 *
 *   node scripts/bun.mjs run bench/later-model.ts [--fit a,c,e,g,i] [--held b,d,f,h,j] [--l2 0.01]
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Engine } from "../src/engine/engine.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import { LATER_BAR, LATER_FEATURES, LATER_MODEL, laterLikelihood } from "../src/retrieve/later-model.ts";
import { laterTap } from "../src/retrieve/later-first.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { type BlindSet, type BlindQuery, replaySet } from "./coding.ts";
import { openBenchEmbedder } from "./embedder.ts";
import { type Example, fitLogistic } from "./logistic.ts";

const { values } = parseArgs({
  options: {
    fit: { type: "string", default: "a,c,e,g,i" },
    held: { type: "string", default: "b,d,f,h,j" },
    l2: { type: "string", default: "0.01" },
  },
});

interface Labelled {
  memories: BlindSet["memories"];
  queries: Array<{ query: string; project: string; relevant: string[] }>;
}

/** A current set (current → relevant) or a coding set with its extra searches, as one shape. */
function load(file: string): Labelled {
  const raw = JSON.parse(readFileSync(file, "utf8")) as { memories: BlindSet["memories"]; queries: Array<BlindQuery & { current?: string[] }> };
  const extra = file.replace(/\.json$/, "-extra.json");
  if (file.includes("coding-") && existsSync(extra)) raw.queries.push(...(JSON.parse(readFileSync(extra, "utf8")) as { queries: BlindQuery[] }).queries);
  return { memories: raw.memories, queries: raw.queries.map((q) => ({ query: q.query, project: q.project, relevant: q.current ?? q.relevant })) };
}

/** Every labelled pair of one set's searches, on the unmoved order. */
async function pairs(file: string): Promise<Example[]> {
  const set = load(file);
  let clock = 0;
  const store = new SqliteStore(":memory:");
  const embedder = await openBenchEmbedder("cairn-later-");
  const engine = new Engine({ store, project: "bench", actor: "bench", channels: { dense: new DenseChannel({ store, open: async () => embedder }) }, now: () => clock });
  const { toBlind } = replaySet(engine, { memories: set.memories, queries: [] } as unknown as BlindSet, (t) => (clock = t));
  await embedPending(store, embedder);
  const out: Example[] = [];
  try {
    for (const q of set.queries.filter((q) => q.relevant.length > 0)) {
      const seen = new Set<string>();
      const want = new Set(q.relevant);
      laterTap.decide = (x, older, newer) => {
        const key = `${older.memory.id} ${newer.memory.id}`;
        const [o, n] = [want.has(toBlind.get(older.memory.id)!), want.has(toBlind.get(newer.memory.id)!)];
        if (o !== n && !seen.has(key)) out.push({ x, y: n ? 1 : 0 });
        seen.add(key);
        return false;
      };
      await engine.recall({ query: q.query, project: q.project, limit: 10, mode: "hybrid", track: false });
    }
  } finally {
    delete laterTap.decide;
    engine.close();
    await embedder.dispose();
  }
  return out;
}

const file = (name: string) => (existsSync(`bench/data/current-${name}.json`) ? [`bench/data/current-${name}.json`] : []).concat(existsSync(`bench/data/coding-${name}.json`) ? [`bench/data/coding-${name}.json`] : []);
const byFile = new Map<string, Example[]>();
for (const f of [...values.fit!.split(","), ...values.held!.split(",")].flatMap(file)) {
  process.stderr.write(`later-model: ${f}\n`);
  byFile.set(f, await pairs(f));
}
const train = values.fit!.split(",").flatMap(file).flatMap((f) => byFile.get(f)!);
const model = fitLogistic(train, Number(values.l2));
const list = (v: readonly number[]) => `[${v.join(", ")}]`;
process.stdout.write(`fitted on ${train.length} pairs (${train.filter((e) => e.y === 1).length} where the later one answers)\n`);
process.stdout.write(`export const LATER_MODEL: LaterModel = {\n  mu: ${list(model.mu)},\n  sd: ${list(model.sd)},\n  w: ${list(model.w)},\n  b0: ${model.b0},\n};\n`);
for (const [k, name] of LATER_FEATURES.entries()) process.stdout.write(`  ${name.padEnd(24)} ${model.w[k]! >= 0 ? "+" : ""}${model.w[k]}\n`);
const same = LATER_MODEL.w.length === model.w.length && model.w.every((w, k) => w === LATER_MODEL.w[k]);
process.stdout.write(same ? "the source holds this model\n" : "the source holds another model: paste the one above into src/retrieve/later-model.ts\n");
if (LATER_MODEL.w.length === LATER_FEATURES.length) {
  process.stdout.write(`\npairs the shipped model moves at ${LATER_BAR} (right / wrong / pairs)\n`);
  for (const [f, rows] of byFile) {
    const moved = rows.filter((r) => laterLikelihood(r.x) >= LATER_BAR);
    process.stdout.write(`  ${f.padEnd(28)} ${moved.filter((r) => r.y === 1).length} / ${moved.filter((r) => r.y === 0).length} / ${rows.length}\n`);
  }
}
