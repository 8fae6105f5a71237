/**
 * @module An embedder for any standard HuggingFace ONNX folder (tokenizer.json, config.json,
 * onnx/model.onnx), e.g. bge-small-en-v1.5, all-MiniLM-L6-v2, multilingual-e5-small. Pooling, prefixes,
 * normalisation and max length come from the manifest entry.
 */
import { cairnError } from "../errors.ts";
import { clipForEmbedding } from "./clip.ts";
import { loadFolder, tensorData, withPadding } from "./hf-load.ts";
import type { ModelEntry } from "./manifest.ts";
import type { EmbedKind, Embedder } from "./port.ts";

const BATCH = 16;

type Callable = (...args: any[]) => Promise<any>;
type Net = Callable & { dispose(): Promise<unknown> };

export class HfEmbedder implements Embedder {
  readonly model: string;
  readonly dims: number;
  readonly minScore: number;
  readonly #entry: ModelEntry;
  readonly #tokenizer: Callable;
  readonly #net: Net;

  private constructor(entry: ModelEntry, dims: number, tokenizer: Callable, net: Net) {
    this.model = entry.id;
    this.dims = dims;
    this.minScore = entry.minScore ?? 0;
    this.#entry = entry;
    this.#tokenizer = tokenizer;
    this.#net = net;
  }

  static async open(entry: ModelEntry, dir: string): Promise<HfEmbedder> {
    const [tokenizer, net] = await loadFolder(entry, dir, (t, name, o) =>
      Promise.all([t.AutoTokenizer.from_pretrained(name, o), t.AutoModel.from_pretrained(name, o)]),
    );
    const embedder = new HfEmbedder(entry, entry.dims ?? 0, withPadding(tokenizer) as unknown as Callable, net as unknown as Net);
    // Probe once: the output width must match the manifest (or defines dims when the manifest has none).
    const [probe] = await embedder.#run(["probe"], "document");
    if (entry.dims !== undefined && probe!.length !== entry.dims) {
      throw cairnError("MODEL_UNAVAILABLE", [entry.id, `it produces ${probe!.length}-d vectors but the manifest says ${entry.dims}`]);
    }
    return entry.dims === undefined ? new HfEmbedder({ ...entry, dims: probe!.length }, probe!.length, embedder.#tokenizer, embedder.#net) : embedder;
  }

  async embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let b = 0; b < texts.length; b += BATCH) out.push(...(await this.#run(texts.slice(b, b + BATCH), kind)));
    return out;
  }

  async #run(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
    const prefix = (kind === "query" ? this.#entry.queryPrefix : this.#entry.documentPrefix) ?? "";
    const inputs = await this.#tokenizer(texts.map((t) => prefix + clipForEmbedding(t)), {
      padding: true,
      truncation: true,
      max_length: this.#entry.maxLength ?? 512,
    });
    const output = await this.#net(inputs);
    const { data, dims } = tensorData(output.last_hidden_state ?? output.token_embeddings, "last_hidden_state", this.model);
    const [batch, length, width] = dims as [number, number, number];
    const mask = inputs.attention_mask.data as BigInt64Array;
    const vectors: Float32Array[] = [];
    for (let b = 0; b < batch; b++) {
      const v = new Float32Array(width);
      if (this.#entry.pooling === "cls") {
        v.set(data.subarray(b * length * width, b * length * width + width));
      } else {
        let count = 0;
        for (let i = 0; i < length; i++) {
          if (mask[b * length + i] === 0n) continue;
          count++;
          const row = (b * length + i) * width;
          for (let k = 0; k < width; k++) v[k]! += data[row + k]!;
        }
        for (let k = 0; k < width; k++) v[k]! /= Math.max(count, 1);
      }
      if (this.#entry.normalize !== false) normalize(v);
      vectors.push(v);
    }
    return vectors;
  }

  async dispose(): Promise<void> {
    await this.#net.dispose();
  }
}

export function normalize(v: Float32Array): void {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k]! * v[k]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let k = 0; k < v.length; k++) v[k]! /= n;
}
