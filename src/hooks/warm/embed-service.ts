/**
 * @module The warm daemon as a query-embedding service for one-shot commands: `cairn recall` (the CLI)
 * sends the texts it would embed and gets back the vectors the same model code computes in-process (same
 * session options, same batch, so the same bits), instead of loading the ONNX model itself (~150 ms of CPU,
 * 0.3–0.6 s wall). The model loads on the first such request and stays for the daemon's life; a hook-only
 * daemon never loads it. Vectors travel as base64 of their float32 bytes.
 */
import type { EmbedKind, Embedder } from "../../embed/port.ts";
import { describeError } from "../../errors.ts";

export interface EmbedRequest {
  /** The model id the caller's configuration names. */
  model: string;
  /** Empty: only the model's shape is wanted (the caller's first question). */
  texts: string[];
  kind: EmbedKind;
}

export type EmbedReply = { model: string; dims: number; minScore?: number; vectors: string[] } | { error: string };

export function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
}

export function decodeVector(b64: string): Float32Array {
  const bytes = Buffer.from(b64, "base64");
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

export class EmbedService {
  readonly #dataDir: string;
  readonly #models = new Map<string, Promise<Embedder>>();

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  async handle(req: EmbedRequest): Promise<EmbedReply> {
    if (typeof req?.model !== "string" || !Array.isArray(req.texts) || (req.kind !== "query" && req.kind !== "document")) return { error: "malformed embed request" };
    let loading = this.#models.get(req.model);
    if (!loading) {
      // Loaded on demand: a daemon that only serves hooks never maps the runtime.
      loading = import("../../embed/open.ts").then(({ openEmbedderById }) => openEmbedderById(this.#dataDir, req.model));
      this.#models.set(req.model, loading);
      // A model that fails to load is tried again by the next request (it may have been installed since).
      loading.catch(() => this.#models.delete(req.model));
    }
    try {
      const embedder = await loading;
      const vectors = req.texts.length > 0 ? await embedder.embed(req.texts.map(String), req.kind) : [];
      return { model: embedder.model, dims: embedder.dims, ...(embedder.minScore !== undefined ? { minScore: embedder.minScore } : {}), vectors: vectors.map(encodeVector) };
    } catch (err) {
      return { error: describeError(err) };
    }
  }

  async dispose(): Promise<void> {
    const all = [...this.#models.values()];
    this.#models.clear();
    await Promise.all(all.map((m) => m.then((e) => e.dispose()).catch(() => undefined)));
  }
}
