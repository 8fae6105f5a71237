/**
 * @module Fits the two models of src/retrieve/later-model.ts on every pair recall's later-first step weighs (a
 * later statement up to BELOW places below an earlier one among the best ten, hybrid mode), collected on the
 * unmoved order of the blind current and coding sets. LATER_MODEL: pairs where exactly one answers the search
 * (current / relevant), 1 when it is the later one. MOVE_MODEL: every pair, 1 only when the later one answers
 * and the earlier does not. Prints both as the source holds them, then per set the pairs the shipped models
 * move ahead: right (the later one answers, the earlier not) / wrong (the other way) / neither answers / pairs.
 * What the moves do to ranking is measured by bench/current.ts and bench/coding.ts.
 *
 *   node scripts/bun.mjs run bench/later-model.ts [--fit a,c,e,g,i] [--held b,d,f,h,j] [--l2 0.01]
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { Engine } from "../src/engine/engine.ts";
import { DenseChannel } from "../src/retrieve/dense-channel.ts";
import { embedPending } from "../src/retrieve/embed-pending.ts";
import { LATER_FEATURES, LATER_MODEL, laterGoesFirst, type LaterModel, MOVE_MODEL } from "../src/retrieve/later-model.ts";
import { laterTap } from "../src/retrieve/later-first.ts";
import { SqliteStore } from "../src/store/sqlite-store.ts";
import { type BlindQuery, type BlindSet, readBlindSet, replaySet } from "./coding.ts";
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
  const raw = readBlindSet(file) as unknown as { memories: BlindSet["memories"]; queries: Array<BlindQuery & { current?: string[] }> };
  return { memories: raw.memories, queries: raw.queries.map((q) => ({ query: q.query, project: q.project, relevant: q.current ?? q.relevant })) };
}

/** A pair weighed: its features, and whether the later one (`later`) and the earlier one (`earlier`) answer. */
interface Pair {
  x: number[];
  later: boolean;
  earlier: boolean;
}

/** Every pair of one set's answerable searches, on the unmoved order. */
async function pairs(file: string): Promise<Pair[]> {
  const set = load(file);
  let clock = 0;
  const store = new SqliteStore(":memory:");
  const embedder = await openBenchEmbedder("cairn-later-");
  const engine = new Engine({ store, project: "bench", actor: "bench", channels: { dense: new DenseChannel({ store, open: async () => embedder }) }, now: () => clock });
  const { toBlind } = replaySet(engine, { memories: set.memories, queries: [] } as unknown as BlindSet, (t) => (clock = t));
  await embedPending(store, embedder);
  const out: Pair[] = [];
  try {
    for (const q of set.queries.filter((q) => q.relevant.length > 0)) {
      const seen = new Set<string>();
      const want = new Set(q.relevant);
      laterTap.decide = (x, older, newer) => {
        const key = `${older.memory.id} ${newer.memory.id}`;
        if (!seen.has(key)) out.push({ x, later: want.has(toBlind.get(newer.memory.id)!), earlier: want.has(toBlind.get(older.memory.id)!) });
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
const byFile = new Map<string, Pair[]>();
for (const f of [...values.fit!.split(","), ...values.held!.split(",")].flatMap(file)) {
  process.stderr.write(`later-model: ${f}\n`);
  byFile.set(f, await pairs(f));
}
const fitted = values.fit!.split(",").flatMap(file).flatMap((f) => byFile.get(f)!);
const which: Example[] = fitted.filter((p) => p.later !== p.earlier).map((p) => ({ x: p.x, y: p.later ? 1 : 0 }));
const move: Example[] = fitted.map((p) => ({ x: p.x, y: p.later && !p.earlier ? 1 : 0 }));
const l2 = Number(values.l2);
const list = (v: readonly number[]) => `[${v.join(", ")}]`;
const print = (name: string, m: LaterModel, shipped: LaterModel, n: Example[]) => {
  process.stdout.write(`${name}: ${n.length} pairs, ${n.filter((e) => e.y === 1).length} labelled 1\n`);
  process.stdout.write(`export const ${name}: LaterModel = {\n  mu: ${list(m.mu)},\n  sd: ${list(m.sd)},\n  w: ${list(m.w)},\n  b0: ${m.b0},\n};\n`);
  for (const [k, feature] of LATER_FEATURES.entries()) process.stdout.write(`  ${feature.padEnd(24)} ${m.w[k]! >= 0 ? "+" : ""}${m.w[k]}\n`);
  const same = shipped.w.length === m.w.length && m.w.every((w, k) => w === shipped.w[k]);
  process.stdout.write(same ? "the source holds this model\n\n" : "the source holds another: paste the one above into src/retrieve/later-model.ts\n\n");
  return same;
};
const shipped = [print("LATER_MODEL", fitLogistic(which, l2), LATER_MODEL, which), print("MOVE_MODEL", fitLogistic(move, l2), MOVE_MODEL, move)].every(Boolean);
if (shipped) {
  process.stdout.write("pairs the shipped models move ahead (right / wrong / neither answers / pairs)\n");
  for (const [f, rows] of byFile) {
    const moved = rows.filter((r) => laterGoesFirst(r.x));
    const count = (ok: (r: Pair) => boolean) => moved.filter(ok).length;
    process.stdout.write(`  ${f.padEnd(28)} ${count((r) => r.later && !r.earlier)} / ${count((r) => r.earlier && !r.later)} / ${count((r) => !r.later && !r.earlier)} / ${rows.length}\n`);
  }
}
