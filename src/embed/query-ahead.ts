/**
 * @module A one-shot recall's query, embedded on a second thread (query-worker.ts) from the moment the command
 * knows it. Cold, embedding one query is a third of a hybrid `cairn recall` (~25–40 ms: the WebAssembly
 * encoder compiled and its weights copied, then run before the JIT warms up); opening the store, searching
 * keywords and opening the vector index file take about as long and need no vector, so on a second core the
 * two overlap. The thread embeds exactly as the recall's thread would (same model code, kind and options), so
 * the vector is the same; when it fails, is late for another model or was started for another text, the
 * recall embeds the query itself, as before.
 */
import { type EmbedKind, type EmbedOptions, type Embedder, traitsOf } from "./port.ts";
import { describeError } from "../errors.ts";
import { log } from "../log.ts";
import { workerUrl } from "../worker-url.ts";
import { USE_LITE_SOURCE } from "./manifest.ts";
import { findModel } from "./registry.ts";
import { removeOwnTemps } from "./extract.ts";

export interface AheadRequest {
  dataDir: string;
  model: string;
  text: string;
}

export type AheadReply = { model: string; dims: number; vector: Float32Array } | { error: string };

/**
 * `text` being embedded on a thread for model `model`, when that pays: the built-in model, whose one-shot
 * queries embed without onnxruntime. Another model would load its runtime on both threads (this one still
 * needs it for its shape), so its query embeds here as before (undefined).
 */
export function startQueryAhead(dataDir: string, model: string, text: string): QueryAhead | undefined {
  const info = findModel(dataDir, model);
  if (!info?.available || info.entry.source !== USE_LITE_SOURCE) return undefined;
  return QueryAhead.start(dataDir, model, text);
}

export class QueryAhead {
  readonly text: string;
  readonly #worker: Worker | null;
  readonly #reply: Promise<AheadReply | null>;

  /** Set once the thread answered: it is past any extraction then. */
  #answered = false;

  private constructor(text: string, worker: Worker | null, reply: Promise<AheadReply | null>) {
    this.text = text;
    this.#worker = worker;
    this.#reply = reply;
    void reply.then(() => (this.#answered = true));
  }

  /** Starts embedding `text` with model `model` of `dataDir` (never throws: a thread that cannot start answers null). */
  static start(dataDir: string, model: string, text: string): QueryAhead {
    let worker: Worker;
    try {
      worker = new Worker(workerUrl(import.meta.url, "./embed/query-worker.ts"));
    } catch (err) {
      log.debug(`query thread did not start, the query embeds in process: ${describeError(err)}`);
      return new QueryAhead(text, null, Promise.resolve(null));
    }
    // Never what keeps the process alive: the recall ends it (dispose), or exits without its answer.
    worker.unref();
    const reply = new Promise<AheadReply | null>((resolve) => {
      worker.onmessage = (event: MessageEvent<AheadReply>) => resolve(event.data);
      worker.onerror = (event) => {
        log.debug(`query thread failed: ${event.message}`);
        resolve(null);
      };
    });
    worker.postMessage({ dataDir, model, text } satisfies AheadRequest);
    return new QueryAhead(text, worker, reply);
  }

  /** The thread's vector of `text` by `model` (`dims` wide), or null: not this text, not this model, or failed. */
  async vectorOf(text: string, model: string, dims: number): Promise<Float32Array | null> {
    if (text !== this.text) return null;
    const reply = await this.#reply;
    if (!reply || "error" in reply) {
      if (reply) log.debug(`query thread could not embed the query, embedding it in process: ${reply.error}`);
      return null;
    }
    if (reply.model !== model || reply.dims !== dims || reply.vector.length !== dims) return null;
    log.debug("query embedded ahead on a second thread");
    return reply.vector.slice();
  }

  /** Ends the thread (whether or not it answered), and removes a model copy it was cut off extracting. */
  dispose(): void {
    if (!this.#worker) return;
    this.#worker.terminate();
    if (!this.#answered) removeOwnTemps("models");
  }
}

/**
 * `embedder`, except that the one-shot query `ahead` embeds is answered with the thread's vector. Every other
 * call, and that one when the thread has no vector for it, goes to `embedder`.
 */
export function withQueryAhead(embedder: Embedder, ahead: QueryAhead): Embedder {
  return {
    ...traitsOf(embedder),
    async embed(texts: string[], kind: EmbedKind, opts: EmbedOptions = {}): Promise<Float32Array[]> {
      if (kind === "query" && opts.oneShot && texts.length === 1) {
        const vector = await ahead.vectorOf(texts[0]!, embedder.model, embedder.dims);
        if (vector) return [vector];
      }
      return embedder.embed(texts, kind, opts);
    },
    async dispose(): Promise<void> {
      ahead.dispose();
      await embedder.dispose();
    },
  };
}
