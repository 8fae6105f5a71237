/**
 * @module The built-in embedder: Universal Sentence Encoder Lite, converted to ONNX and then to onnxruntime's
 * own format at build time (scripts/convert-use-lite.ts), and run on onnxruntime-node from a file the binary
 * carries: extracted to the cache once, then mapped, onnxruntime using its bytes in place.
 */
import { cairnError, describeError } from "../errors.ts";
import { assets } from "./assets.ts";
import { clipForEmbedding } from "./clip.ts";
import { contentKey, extractFile } from "./extract.ts";
import { loadOrt } from "./ort.ts";
import type { EmbedKind, Embedder } from "./port.ts";
import { UseTokenizer } from "./use-tokenizer.ts";

export const USE_LITE_ID = "use-lite";
const DIMS = 512;
/** The TF graph clips positions at 128 (ClipToMaxLength); later tokens never reach the model. */
export const USE_LITE_MAX_TOKENS = 128;
const BATCH = 32;

type Ort = ReturnType<typeof loadOrt>;
type Session = Awaited<ReturnType<Ort["InferenceSession"]["create"]>>;

export class UseLiteEmbedder implements Embedder {
  readonly model = USE_LITE_ID;
  readonly dims = DIMS;
  /**
   * Dense-only matches below this are not returned. Unrelated sentences reach cosine ≈ 0.5 with USE-lite,
   * but true paraphrases score 0.22–0.62, so 0.5 threw most of them away; 0.3 was fitted on the blind fit
   * sets and LoCoMo 0–4 (see DESIGN.md, "Dense bar") and mirrors models/manifest.json.
   */
  readonly minScore = 0.3;
  readonly tokenizer: UseTokenizer;
  readonly #ort: Ort;
  /**
   * The session and the model bytes it reads in place for as long as it lives, kept together so the
   * collector cannot free (or unmap) the bytes first.
   */
  readonly #model: { session: Session; bytes: Uint8Array };

  private constructor(ort: Ort, model: { session: Session; bytes: Uint8Array }, tokenizer: UseTokenizer) {
    this.#ort = ort;
    this.#model = model;
    this.tokenizer = tokenizer;
  }

  /**
   * `threads` > 1 is for bulk embedding (a foreground re-embed): batches of 64 ran at ~510/s on one thread
   * and ~945/s on two on a 2-core machine; queries keep one thread (see below).
   */
  static async open(opts: { threads?: number } = {}): Promise<UseLiteEmbedder> {
    const ort = loadOrt();
    let tokenizer: UseTokenizer;
    let modelPath = assets.useLite.model;
    let reading = assets.useLite.vocab;
    try {
      tokenizer = new UseTokenizer(await Bun.file(reading).bytes());
      reading = modelPath;
      // Mapped from a real file, the model costs no read: the embedded one is extracted to the cache once,
      // like the runtime library.
      if (assets.embedded) modelPath = extractFile(modelPath, "models", `use-lite-${contentKey([modelPath])}`, "use-lite.ort");
    } catch (err) {
      const hint = assets.embedded ? "the binary is incomplete or the cache is not writable" : "run `npm run build` to convert it";
      throw cairnError("MODEL_UNAVAILABLE", [USE_LITE_ID, `cannot read ${reading} (${describeError(err)}); ${hint}`], err);
    }
    // One thread: a single query embeds in ~1.3 ms against ~1.6 ms with the default pool (its hand-offs
    // cost more than they save on 1–128 tokens); hybrid recall at 10k went 5.0 → 4.1–4.4 ms p50.
    const threads = Math.max(1, Math.floor(opts.threads ?? 1));
    // A bulk session's pool threads sleep between batches instead of spinning: on a loaded 2-core machine
    // spinning cost 74–78 memories per CPU-second against 87–88 without it, same wall time (the math, and
    // so every vector, is the same either way).
    // The file holds the graph optimised at build time: nothing is left to optimise, and onnxruntime uses its
    // bytes where they lie, weights included (no copy: session creation 45–57 ms → 24–25 ms).
    const options = {
      graphOptimizationLevel: "disabled",
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      extra: {
        session: {
          use_ort_model_bytes_directly: "1",
          use_ort_model_bytes_for_initializers: "1",
          ...(threads > 1 ? { intra_op: { allow_spinning: "0" } } : {}),
        },
      },
    } as const;
    try {
      const open = async (bytes: Uint8Array) => new UseLiteEmbedder(ort, { session: await ort.InferenceSession.create(bytes, options), bytes }, tokenizer);
      // Mapped privately: a write would never reach the file, and it is only ever replaced by a rename.
      return await open(Bun.mmap(modelPath, { shared: false })).catch(async (err) => {
        // A damaged cache copy must not break recall: load straight from the binary instead.
        if (modelPath === assets.useLite.model) throw err;
        return open(await Bun.file(assets.useLite.model).bytes());
      });
    } catch (err) {
      throw cairnError("MODEL_UNAVAILABLE", [USE_LITE_ID, `the ONNX model does not load (${describeError(err)})`], err);
    }
  }

  /** Token ids as the model sees them (clipped to 128; the text to MAX_EMBED_CHARS before tokenizing). */
  ids(text: string): number[] {
    return this.tokenizer.encode(clipForEmbedding(text)).slice(0, USE_LITE_MAX_TOKENS);
  }

  async embed(texts: string[], _kind: EmbedKind): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(texts.length);
    const tokens = texts.map((t) => this.ids(t));
    // Similar lengths share a batch, so little time goes into padding.
    const order = tokens.map((_, i) => i).sort((a, b) => tokens[a]!.length - tokens[b]!.length);
    for (let b = 0; b < order.length; b += BATCH) {
      const idx = order.slice(b, b + BATCH);
      const width = Math.max(1, ...idx.map((i) => tokens[i]!.length));
      const ids = new BigInt64Array(idx.length * width);
      const mask = new BigInt64Array(idx.length * width);
      idx.forEach((i, row) => {
        tokens[i]!.forEach((id, col) => {
          ids[row * width + col] = BigInt(id);
          mask[row * width + col] = 1n;
        });
      });
      const shape = [idx.length, width];
      const result = await this.#model.session.run({
        input_ids: new this.#ort.Tensor("int64", ids, shape),
        attention_mask: new this.#ort.Tensor("int64", mask, shape),
      });
      const data = result.embedding!.data as Float32Array;
      idx.forEach((i, row) => {
        out[i] = data.slice(row * DIMS, (row + 1) * DIMS);
      });
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.#model.session.release();
  }
}
