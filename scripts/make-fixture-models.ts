/**
 * @module Generates tiny BERT-shaped HuggingFace ONNX folders with seeded random weights (tokenizer.json,
 * config.json, onnx/model.onnx): an encoder (`tiny-bert`, last_hidden_state) and a cross-encoder
 * (`tiny-cross-encoder`, sequence-classification logits). They exercise tokenizer → session → pooling /
 * scoring end to end in tests, since real models cannot be downloaded where cairn is built.
 * Usage: `bun scripts/make-fixture-models.ts [outDir]` (default test/fixtures/models).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DT, GraphBuilder, valueInfo } from "./lib/onnx-builder.ts";
import { Rng } from "../bench/rng.ts";

const HIDDEN = 32;
const HEADS = 2;
const MAX_POSITIONS = 64;
const SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"];
const WORDS = (
  "the a an of to and in is it that for on with as was at by be this are from or have not but they you we i he she " +
  "memory database migration deploy friday monday test build release bug fix error cache query index vector model " +
  "user project team code review merge branch commit config server client api token session agent note lesson decision " +
  "cat dog mat sat run runs ran use used uses prefer always never fast slow new old good bad big small red blue"
).split(" ");
const VOCAB = [...SPECIAL, ...WORDS, ...WORDS.map((w) => `##${w}`), ..."abcdefghijklmnopqrstuvwxyz0123456789.,!?".split(""), ..."abcdefghijklmnopqrstuvwxyz".split("").map((c) => `##${c}`)];

/** A seeded stream of floats in [0, 1) (the benchmark corpus's mulberry32). */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

function tokenizerJson(): object {
  const token = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((t, i) => token(i, t)),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(["[CLS]", "[SEP]"].map((t) => [t, { id: t, ids: [SPECIAL.indexOf(t)], tokens: [t] }])),
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
  };
}

/** One BERT layer: embeddings (word + position + type) → LayerNorm → self-attention → residual → LayerNorm. */
function encoder(g: GraphBuilder, rnd: () => number): string {
  const weights = (name: string, dims: number[], scale = 0.5) =>
    g.f32(name, dims, Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (rnd() * 2 - 1) * scale));
  const ones = (name: string) => g.f32(name, [HIDDEN], new Float32Array(HIDDEN).fill(1));
  const zeros = (name: string) => g.f32(name, [HIDDEN], new Float32Array(HIDDEN));
  const len = g.op("Squeeze", [g.op("Gather", [g.op("Shape", ["input_ids"]), g.i64([1])], { axis: 0 }), g.i64([0])]);
  const positions = g.op("Range", [g.i64([0], true), len, g.i64([1], true)]);
  const emb = g.op("Add", [
    g.op("Add", [g.op("Gather", [weights("word_embeddings", [VOCAB.length, HIDDEN]), "input_ids"], { axis: 0 }), g.op("Gather", [weights("position_embeddings", [MAX_POSITIONS, HIDDEN]), positions], { axis: 0 })]),
    g.op("Gather", [weights("token_type_embeddings", [2, HIDDEN]), "token_type_ids"], { axis: 0 }),
  ]);
  const h = g.layerNorm(emb, ones("ln0.scale"), zeros("ln0.bias"), 1e-12);
  const mask = g.op("Cast", ["attention_mask"], { to: DT.float });
  const bias = g.op("Unsqueeze", [g.op("Mul", [g.op("Sub", [g.scalar(1), mask]), g.scalar(-1e4)]), g.i64([1, 2])]);
  const proj = (name: string) => g.op("MatMul", [h, weights(name, [HIDDEN, HIDDEN], 0.3)]);
  const split = (t: string) => g.op("Transpose", [g.op("Reshape", [t, g.i64([0, 0, HEADS, HIDDEN / HEADS])])], { perm: [0, 2, 1, 3] });
  const logits = g.op("Add", [g.op("Mul", [g.op("MatMul", [split(proj("q")), g.op("Transpose", [split(proj("k"))], { perm: [0, 1, 3, 2] })]), g.scalar(1 / Math.sqrt(HIDDEN / HEADS))]), bias]);
  const ctx = g.op("MatMul", [g.op("Softmax", [logits], { axis: -1 }), split(proj("v"))]);
  const merged = g.op("Reshape", [g.op("Transpose", [ctx], { perm: [0, 2, 1, 3] }), g.i64([0, 0, HIDDEN])]);
  return g.layerNorm(g.op("Add", [h, g.op("MatMul", [merged, weights("o", [HIDDEN, HIDDEN], 0.3)])]), ones("ln1.scale"), zeros("ln1.bias"), 1e-12);
}

const INPUTS = ["input_ids", "attention_mask", "token_type_ids"].map((n) => valueInfo(n, DT.int64, ["batch", "sequence"]));

function write(dir: string, config: object, model: Uint8Array): void {
  mkdirSync(join(dir, "onnx"), { recursive: true });
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(tokenizerJson()));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ model_max_length: MAX_POSITIONS, do_lower_case: true, tokenizer_class: "BertTokenizer", cls_token: "[CLS]", sep_token: "[SEP]", pad_token: "[PAD]", unk_token: "[UNK]" }));
  writeFileSync(join(dir, "config.json"), JSON.stringify({ model_type: "bert", hidden_size: HIDDEN, num_attention_heads: HEADS, num_hidden_layers: 1, max_position_embeddings: MAX_POSITIONS, vocab_size: VOCAB.length, type_vocab_size: 2, ...config }));
  writeFileSync(join(dir, "onnx", "model.onnx"), model);
}

export function makeFixtureModels(outDir: string): { embedder: string; reranker: string } {
  const embedder = join(outDir, "tiny-bert");
  const e = new GraphBuilder();
  e.op("Identity", [encoder(e, rng(1))], {}, "last_hidden_state");
  write(embedder, { architectures: ["BertModel"], _name_or_path: "cairn/tiny-bert" }, e.encode("tiny_bert", INPUTS, [valueInfo("last_hidden_state", DT.float, ["batch", "sequence", HIDDEN])], "cairn-fixtures"));

  const reranker = join(outDir, "tiny-cross-encoder");
  const c = new GraphBuilder();
  const rnd = rng(2);
  const cls = c.op("Squeeze", [c.op("Gather", [encoder(c, rnd), c.i64([0])], { axis: 1 }), c.i64([1])]);
  const pooled = c.op("Tanh", [c.op("MatMul", [cls, c.f32("pooler", [HIDDEN, HIDDEN], Float32Array.from({ length: HIDDEN * HIDDEN }, () => rnd() - 0.5))])]);
  c.op("MatMul", [pooled, c.f32("classifier", [HIDDEN, 1], Float32Array.from({ length: HIDDEN }, () => rnd() * 2 - 1))], {}, "logits");
  write(
    reranker,
    { architectures: ["BertForSequenceClassification"], id2label: { 0: "LABEL_0" }, label2id: { LABEL_0: 0 }, _name_or_path: "cairn/tiny-cross-encoder" },
    c.encode("tiny_cross_encoder", INPUTS, [valueInfo("logits", DT.float, ["batch", 1])], "cairn-fixtures"),
  );
  return { embedder, reranker };
}

if (import.meta.main) {
  const out = process.argv[2] ?? join(new URL("..", import.meta.url).pathname, "test", "fixtures", "models");
  const made = makeFixtureModels(out);
  console.error(`wrote ${made.embedder} and ${made.reranker}`);
}
