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
import type { EmbedKind, EmbedOptions, Embedder } from "./port.ts";
import { UseTokenizer } from "./use-tokenizer.ts";
import { UseLiteQueryEncoder } from "./use-lite-query.ts";
import { log } from "../log.ts";

export const USE_LITE_ID = "use-lite";
const DIMS = 512;
/** The TF graph clips positions at 128 (ClipToMaxLength); later tokens never reach the model. */
export const USE_LITE_MAX_TOKENS = 128;
const BATCH = 32;
/**
 * Longest one-shot query the WebAssembly path takes (~29 ms at ~0.45 ms a token): a longer one starts
 * onnxruntime (~40 ms) and embeds in a few.
 */
const ONE_SHOT_TOKENS = 64;

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
  /** Its 8k-piece vocabulary is English: text in another script embeds to nearly one vector. */
  readonly oneScript = true;
  readonly tokenizer: UseTokenizer;
  readonly #threads: number;
  /**
   * The onnxruntime session (and the model bytes it reads in place for as long as it lives, kept together so
   * the collector cannot free or unmap them first), made at the first document embedded.
   */
  #model: Promise<{ ort: Ort; session: Session; bytes: Uint8Array }> | null = null;
  /** The WebAssembly forward pass queries take (use-lite-query.ts); null once it could not be opened. */
  #queries: UseLiteQueryEncoder | null | undefined;

  /** `model`: a session made elsewhere (tests compare the shipped model with the graph it was saved from). */
  private constructor(tokenizer: UseTokenizer, threads: number, model?: { ort: Ort; session: Session; bytes: Uint8Array }) {
    this.tokenizer = tokenizer;
    this.#threads = threads;
    if (model) this.#model = Promise.resolve(model);
  }

  /** Whether this embedder started onnxruntime (a one-shot query never does). */
  get runtimeStarted(): boolean {
    return this.#model !== null;
  }

  /**
   * `threads` > 1 is for bulk embedding (a foreground re-embed): batches of 64 ran at ~510/s on one thread
   * and ~945/s on two on a 2-core machine; queries keep one thread (see below). Neither onnxruntime nor the
   * model is loaded here: a process that only embeds queries never starts onnxruntime (~40 ms of a one-shot
   * `cairn recall`), documents start it at the first batch.
   */
  static async open(opts: { threads?: number } = {}): Promise<UseLiteEmbedder> {
    try {
      return new UseLiteEmbedder(new UseTokenizer(await Bun.file(assets.useLite.vocab).bytes()), Math.max(1, Math.floor(opts.threads ?? 1)));
    } catch (err) {
      throw unavailable(`cannot read ${assets.useLite.vocab} (${describeError(err)})`, err);
    }
  }

  /** The onnxruntime session, made once (a failure is thrown to every caller, and tried again by the next). */
  #session(): Promise<{ ort: Ort; session: Session; bytes: Uint8Array }> {
    this.#model ??= openSession(this.#threads).catch((err) => {
      this.#model = null;
      throw err;
    });
    return this.#model;
  }

  /**
   * The query encoder, opened at the first query: null (and onnxruntime embeds queries) when this runtime lacks
   * WebAssembly SIMD or the weights cannot be read, which is logged once.
   */
  #queryEncoder(): UseLiteQueryEncoder | null {
    if (this.#queries !== undefined) return this.#queries;
    try {
      this.#queries = UseLiteQueryEncoder.open(mapAsset(assets.useLite.weights, "use-lite-q8", "use-lite.q8"));
    } catch (err) {
      log.debug(`use-lite: queries embed through onnxruntime (${describeError(err)})`);
      this.#queries = null;
    }
    return this.#queries;
  }

  /** Token ids as the model sees them (clipped to 128; the text to MAX_EMBED_CHARS before tokenizing). */
  ids(text: string): number[] {
    return this.tokenizer.encode(clipForEmbedding(text)).slice(0, USE_LITE_MAX_TOKENS);
  }

  /**
   * A one-shot query of at most {@link ONE_SHOT_TOKENS} tokens through the WebAssembly forward pass (no
   * onnxruntime to start), anything else through onnxruntime in batches: the same weights and quantisation,
   * vectors equal to rounding (cosine ≥ 0.9999; onnxruntime's own vectors of a text differ as much between
   * batches). Long-lived processes keep onnxruntime for queries: once started it embeds one in ~1.5 ms, the
   * WebAssembly path in ~0.45 ms a token.
   */
  async embed(texts: string[], kind: EmbedKind, opts: EmbedOptions = {}): Promise<Float32Array[]> {
    const tokens = texts.map((t) => this.ids(t));
    const queries = kind === "query" && opts.oneShot && tokens.every((t) => t.length <= ONE_SHOT_TOKENS) ? this.#queryEncoder() : null;
    if (queries) return tokens.map((t) => queries.encode(t));
    const { ort, session } = await this.#session();
    const out: Float32Array[] = new Array(texts.length);
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
      const result = await session.run({
        input_ids: new ort.Tensor("int64", ids, shape),
        attention_mask: new ort.Tensor("int64", mask, shape),
      });
      const data = result.embedding!.data as Float32Array;
      idx.forEach((i, row) => {
        out[i] = data.slice(row * DIMS, (row + 1) * DIMS);
      });
    }
    return out;
  }

  async dispose(): Promise<void> {
    const model = this.#model;
    this.#model = null;
    if (model) await (await model.catch(() => null))?.session.release();
  }
}

const unavailable = (why: string, err: unknown) =>
  cairnError("MODEL_UNAVAILABLE", [USE_LITE_ID, `${why}; ${assets.embedded ? "the binary is incomplete or the cache is not writable" : "run `npm run build` to convert it"}`], err);

/**
 * An asset's bytes, mapped from a real file: the embedded one is extracted to the cache once (like the runtime
 * library; `family` names its key directories, extract.ts), so a process reads only the pages it touches. Mapped privately: a write would never reach the file,
 * and it is only ever replaced by a rename.
 */
function mapAsset(path: string, family: string, name: string): Uint8Array {
  return Bun.mmap(assets.embedded ? extractFile(path, "models", `${family}-${contentKey([path])}`, name) : path, { shared: false });
}

/** onnxruntime and a session of the model on `threads` threads. */
async function openSession(threads: number): Promise<{ ort: Ort; session: Session; bytes: Uint8Array }> {
  const ort = loadOrt();
  let bytes: Uint8Array;
  try {
    bytes = mapAsset(assets.useLite.model, "use-lite", "use-lite.ort");
  } catch (err) {
    throw unavailable(`cannot read ${assets.useLite.model} (${describeError(err)})`, err);
  }
  // One thread: a single query embeds in ~1.3 ms against ~1.6 ms with the default pool (its hand-offs
  // cost more than they save on 1–128 tokens); hybrid recall at 10k went 5.0 → 4.1–4.4 ms p50.
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
    const open = async (model: Uint8Array) => ({ ort, session: await ort.InferenceSession.create(model, options), bytes: model });
    return await open(bytes).catch(async (err) => {
      // A damaged cache copy must not break recall: load straight from the binary instead.
      if (!assets.embedded) throw err;
      return open(await Bun.file(assets.useLite.model).bytes());
    });
  } catch (err) {
    throw cairnError("MODEL_UNAVAILABLE", [USE_LITE_ID, `the ONNX model does not load (${describeError(err)})`], err);
  }
}
