/**
 * @module HuggingFace ONNX folders end to end on generated tiny BERT fixtures (scripts/make-fixture-models.ts):
 * tokenizer.json → transformers → onnxruntime-node → pooling/normalisation/prefixes/max length, the
 * cross-encoder reranker, and `models add` registration from local files only.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeFixtureModels } from "../../scripts/make-fixture-models.ts";
import { addModelFolder } from "../../src/cli/models-add.ts";
import { HfReranker } from "../../src/embed/hf-reranker.ts";
import { HfEmbedder } from "../../src/embed/hf.ts";
import type { ModelEntry } from "../../src/embed/manifest.ts";
import { openEmbedder } from "../../src/embed/open.ts";
import { findModel } from "../../src/embed/registry.ts";
import { Engine } from "../../src/engine/engine.ts";
import { CrossEncoderStage } from "../../src/retrieve/rerank.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";

let dir: string;
let fx: { embedder: string; reranker: string };
const base: ModelEntry = { id: "tiny-bert", kind: "embedder", source: "tiny-bert", pooling: "mean", normalize: true, maxLength: 64 };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cairn-hf-"));
  fx = makeFixtureModels(join(dir, "fixtures"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const same = (a: Float32Array, b: Float32Array) => a.every((x, i) => Math.abs(x - b[i]!) < 1e-5);

describe("HF embedder on a tiny BERT fixture", () => {
  test("mean pooling ignores padding; vectors are unit length; dims come from the model", async () => {
    const e = await HfEmbedder.open({ ...base, dims: undefined }, fx.embedder);
    expect(e.dims).toBe(32);
    const [alone] = await e.embed(["the cat sat"], "document");
    const [padded, long] = await e.embed(["the cat sat", "we deploy the database migration on friday after review"], "document");
    expect(same(alone!, padded!)).toBe(true);
    expect(same(alone!, long!)).toBe(false);
    expect(Math.abs(norm(alone!) - 1)).toBeLessThan(1e-5);
    await e.dispose();
  });

  test("a tokenizer_config.json naming no pad token still pads a batch of texts of different lengths (QA: ToBigInt)", async () => {
    const folder = join(dir, "no-pad");
    cpSync(fx.embedder, folder, { recursive: true });
    const config = JSON.parse(readFileSync(join(folder, "tokenizer_config.json"), "utf8"));
    delete config.pad_token;
    writeFileSync(join(folder, "tokenizer_config.json"), JSON.stringify(config));
    const e = await HfEmbedder.open({ ...base, source: "no-pad" }, folder);
    const [alone] = await e.embed(["alpha bravo"], "document");
    const [padded, long] = await e.embed(["alpha bravo", "alpha bravo charlie delta echo"], "document");
    expect(same(alone!, padded!)).toBe(true);
    expect(long).toHaveLength(32);
    await e.dispose();
  });

  test("CLS pooling, prefixes, normalisation and max length come from the manifest", async () => {
    const mean = await HfEmbedder.open(base, fx.embedder);
    const cls = await HfEmbedder.open({ ...base, pooling: "cls" }, fx.embedder);
    const raw = await HfEmbedder.open({ ...base, normalize: false }, fx.embedder);
    const e5 = await HfEmbedder.open({ ...base, queryPrefix: "query: ", documentPrefix: "passage: " }, fx.embedder);
    const short = await HfEmbedder.open({ ...base, maxLength: 4 }, fx.embedder);
    const text = "the cat sat on the mat";
    const [m] = await mean.embed([text], "query");
    const [c] = await cls.embed([text], "query");
    const [r] = await raw.embed([text], "query");
    expect(same(m!, c!)).toBe(false);
    expect(Math.abs(norm(r!) - 1)).toBeGreaterThan(1e-3);
    const [q, d] = [(await e5.embed([text], "query"))[0]!, (await e5.embed([text], "document"))[0]!];
    expect(same(q, d)).toBe(false);
    expect(same((await mean.embed(["query: " + text], "query"))[0]!, q)).toBe(true);
    // max length 4 tokens: [CLS] the cat sat — whatever follows is cut, so these two texts agree.
    const [cut1, cut2] = await short.embed(["the cat sat on the mat", "the cat sat by the door"], "query");
    expect(same(cut1!, cut2!)).toBe(true);
    const [full1, full2] = await mean.embed(["the cat sat on the mat", "the cat sat by the door"], "query");
    expect(same(full1!, full2!)).toBe(false);
    await Promise.all([mean, cls, raw, e5, short].map((x) => x.dispose()));
  });

  test("a manifest width that does not match the model is an error, not a silent mismatch", async () => {
    await expect(HfEmbedder.open({ ...base, dims: 384 }, fx.embedder)).rejects.toThrow(/32-d vectors but the manifest says 384/);
  });

  test("a corrupt onnx file fails with MODEL_UNAVAILABLE", async () => {
    const broken = join(dir, "broken");
    makeFixtureModels(broken);
    writeFileSync(join(broken, "tiny-bert", "onnx", "model.onnx"), "not a model");
    await expect(HfEmbedder.open(base, join(broken, "tiny-bert"))).rejects.toMatchObject({ code: "MODEL_UNAVAILABLE" });
  });
});

describe("cross-encoder reranker on a tiny fixture", () => {
  test("scores pairs deterministically and reorders recall's candidates", async () => {
    const r = await HfReranker.open({ id: "tiny-ce", kind: "reranker", source: "x", maxLength: 64 }, fx.reranker);
    const docs = ["the cat sat on the mat", "deploy database", "dog runs fast"];
    const s1 = await r.score("cat on mat", docs);
    expect(s1).toHaveLength(3);
    expect(await r.score("cat on mat", docs)).toEqual(s1);
    expect(new Set(s1).size).toBe(3);

    const store = new SqliteStore(":memory:");
    const stage = new CrossEncoderStage("tiny-ce", async () => r);
    const engine = new Engine({ store, project: "/p", actor: "test", reranker: stage });
    for (const d of docs) engine.remember({ content: `${d} cat` });
    const res = await engine.recall({ query: "cat", mode: "keyword" });
    const expected = [...docs].map((d, i) => ({ d: `${d} cat`, s: 0, i }));
    const scores = await r.score("cat", expected.map((e) => e.d));
    const order = expected.map((e, i) => ({ ...e, s: scores[i]! })).sort((a, b) => b.s - a.s).map((e) => e.d);
    expect(res.results.map((h) => h.memory.content)).toEqual(order);
    expect(res.results[0]!.channels.rerank!.rank).toBe(1);
    await r.dispose();
    engine.close();
  });
});

describe("models add", () => {
  test("copies the folder, proves it loads, registers it, and it opens from the data dir", async () => {
    const data = join(dir, "data");
    const entry = await addModelFolder(data, fx.embedder, { id: "my-bert" }, async (e, d) => {
      const m = await HfEmbedder.open(e, d);
      await m.dispose();
      return m.dims;
    });
    expect(entry).toMatchObject({ id: "my-bert", kind: "embedder", pooling: "mean", dims: 32 });
    const info = findModel(data, "my-bert")!;
    expect(info).toMatchObject({ origin: "user", available: true });
    const e = await openEmbedder(info);
    expect((await e.embed(["hello"], "query"))[0]!.length).toBe(32);
    await e.dispose();
    const ce = await addModelFolder(data, fx.reranker, {}, async () => undefined);
    expect(ce.kind).toBe("reranker");
  });

  test("rejects a folder without the files a HF ONNX export has", async () => {
    const empty = mkdtempSync(join(dir, "empty-"));
    writeFileSync(join(empty, "config.json"), "{}");
    await expect(addModelFolder(join(dir, "data2"), empty, {}, async () => undefined)).rejects.toThrow(/missing tokenizer.json/);
    // Without tokenizer_config.json transformers cannot build the tokenizer: named, not its own error (QA).
    const noConfig = join(dir, "no-tokenizer-config");
    cpSync(fx.embedder, noConfig, { recursive: true });
    rmSync(join(noConfig, "tokenizer_config.json"));
    await expect(addModelFolder(join(dir, "data3"), noConfig, {}, async () => undefined)).rejects.toThrow(/missing tokenizer_config\.json/);
  });
});
