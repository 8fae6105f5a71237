/**
 * @module A cross-encoder reranker from a HuggingFace sequence-classification ONNX folder (e.g.
 * ms-marco-MiniLM-L-6-v2): scores (query, document) pairs jointly, which ranks better than comparing vectors.
 */
import { clipForEmbedding } from "./clip.ts";
import { loadFolder, tensorData, withPadding } from "./hf-load.ts";
import type { ModelEntry } from "./manifest.ts";
import type { Reranker } from "./port.ts";

const BATCH = 16;

type Callable = (...args: any[]) => Promise<any>;
type Net = Callable & { dispose(): Promise<unknown> };

export class HfReranker implements Reranker {
  readonly model: string;
  readonly #entry: ModelEntry;
  readonly #tokenizer: Callable;
  readonly #net: Net;

  private constructor(entry: ModelEntry, tokenizer: Callable, net: Net) {
    this.model = entry.id;
    this.#entry = entry;
    this.#tokenizer = tokenizer;
    this.#net = net;
  }

  static async open(entry: ModelEntry, dir: string): Promise<HfReranker> {
    const [tokenizer, net] = await loadFolder(entry, dir, (t, name, o) =>
      Promise.all([t.AutoTokenizer.from_pretrained(name, o), t.AutoModelForSequenceClassification.from_pretrained(name, o)]),
    );
    return new HfReranker(entry, withPadding(tokenizer) as unknown as Callable, net as unknown as Net);
  }

  async score(query: string, documents: string[]): Promise<number[]> {
    const scores: number[] = [];
    for (let b = 0; b < documents.length; b += BATCH) {
      const docs = documents.slice(b, b + BATCH).map((d) => clipForEmbedding(d));
      const inputs = await this.#tokenizer(
        docs.map(() => clipForEmbedding(query)),
        { text_pair: docs, padding: true, truncation: true, max_length: this.#entry.maxLength ?? 512 },
      );
      const { data, dims } = tensorData((await this.#net(inputs)).logits, "logits", this.model);
      const labels = dims[1] ?? 1;
      // One logit: relevance itself. Several: the last label ("relevant") against the rest.
      for (let i = 0; i < docs.length; i++) {
        scores.push(labels === 1 ? data[i]! : data[i * labels + labels - 1]! - logSumExceptLast(data, i * labels, labels));
      }
    }
    return scores;
  }

  async dispose(): Promise<void> {
    await this.#net.dispose();
  }
}

function logSumExceptLast(data: Float32Array, start: number, n: number): number {
  let max = -Infinity;
  for (let k = 0; k < n - 1; k++) max = Math.max(max, data[start + k]!);
  let s = 0;
  for (let k = 0; k < n - 1; k++) s += Math.exp(data[start + k]! - max);
  return max + Math.log(s);
}
