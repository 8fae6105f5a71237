/**
 * @module The WebAssembly query path of the built-in model (src/embed/use-lite-query.ts): a one-shot query's
 * vector must be onnxruntime's to rounding, without starting onnxruntime; long queries, other callers and
 * documents stay on onnxruntime, bit for bit as before.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { UseLiteEmbedder } from "../../src/embed/use-lite.ts";
import { paritySentences } from "./sentences.ts";

let oneShot: UseLiteEmbedder;
let runtime: UseLiteEmbedder;
beforeAll(async () => {
  [oneShot, runtime] = [await UseLiteEmbedder.open(), await UseLiteEmbedder.open()];
});
afterAll(async () => {
  await oneShot?.dispose();
  await runtime?.dispose();
});

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

test("a one-shot query embeds as onnxruntime embeds it alone, without starting onnxruntime", async () => {
  const texts = paritySentences().slice(0, 120).filter((t) => oneShot.ids(t).length <= 64);
  expect(texts.length).toBeGreaterThan(100);
  const fast: Float32Array[] = [];
  for (const t of texts) fast.push((await oneShot.embed([t], "query", { oneShot: true }))[0]!);
  expect(oneShot.runtimeStarted).toBe(false);
  const cosines: number[] = [];
  for (const [i, t] of texts.entries()) {
    const [reference] = await runtime.embed([t], "query");
    cosines.push(dot(fast[i]!, reference!));
    expect(Math.abs(dot(fast[i]!, fast[i]!) - 1)).toBeLessThan(1e-5);
  }
  // Rounding: a value on a quantisation step's edge may fall the other way, nothing more.
  expect(Math.min(...cosines)).toBeGreaterThan(0.9995);
  expect(cosines.filter((c) => c > 0.999999).length).toBeGreaterThan(texts.length * 0.8);
  // An empty text is the model's: tanh of the output bias, normalised.
  const [emptyFast] = await oneShot.embed([""], "query", { oneShot: true });
  const [emptyRef] = await runtime.embed([""], "query");
  expect(dot(emptyFast!, emptyRef!)).toBeGreaterThan(0.999999);
});

test("a long one-shot query, a query without the hint and documents go through onnxruntime, as before", async () => {
  const e = await UseLiteEmbedder.open();
  try {
    const long = paritySentences().filter((t) => e.ids(t).length > 64)[0] ?? "word ".repeat(100);
    expect(e.ids(long).length).toBeGreaterThan(64);
    const [viaHint] = await e.embed([long], "query", { oneShot: true });
    expect(e.runtimeStarted).toBe(true);
    const [plain] = await runtime.embed([long], "query");
    expect([...viaHint!]).toEqual([...plain!]);
    const [doc] = await oneShot.embed(["rotate the deploy keys every quarter"], "document");
    expect(oneShot.runtimeStarted).toBe(true);
    const [docRef] = await runtime.embed(["rotate the deploy keys every quarter"], "document");
    expect([...doc!]).toEqual([...docRef!]);
  } finally {
    await e.dispose();
  }
});
