/**
 * @module The warm daemon as a query-embedding service for one-shot commands: `cairn recall` (the CLI)
 * sends the texts it would embed and gets back the vectors the same model code computes in-process (same
 * session options, same batch, so the same bits), instead of loading the ONNX model itself (~150 ms of CPU,
 * 0.3–0.6 s wall). The model (daemon-models.ts, shared with the hooks' dense channel) loads on the first
 * request that needs it and stays for the daemon's life. Vectors travel as base64 of their float32 bytes.
 */
import { type EmbedderTraits, type EmbedKind, traitsOf } from "../../embed/port.ts";
import { describeError } from "../../errors.ts";
import type { DaemonModels } from "./daemon-models.ts";

export interface EmbedRequest {
  /** The model id the caller's configuration names. */
  model: string;
  /** Empty: only the model's shape is wanted (the caller's first question). */
  texts: string[];
  kind: EmbedKind;
  /** The asker is a one-shot command (EmbedOptions.oneShot): its vectors must be those it would make itself. */
  oneShot?: boolean;
}

export type EmbedReply = (EmbedderTraits & { vectors: string[] }) | { error: string };

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
  readonly #models: DaemonModels;

  constructor(models: DaemonModels) {
    this.#models = models;
  }

  async handle(req: EmbedRequest): Promise<EmbedReply> {
    if (typeof req?.model !== "string" || !Array.isArray(req.texts) || (req.kind !== "query" && req.kind !== "document")) return { error: "malformed embed request" };
    try {
      // Loaded on demand: a daemon that only serves hooks never maps the runtime.
      const embedder = await this.#models.open(req.model);
      const vectors = req.texts.length > 0 ? await embedder.embed(req.texts.map(String), req.kind, { oneShot: req.oneShot === true }) : [];
      return { ...traitsOf(embedder), vectors: vectors.map(encodeVector) };
    } catch (err) {
      return { error: describeError(err) };
    }
  }
}
