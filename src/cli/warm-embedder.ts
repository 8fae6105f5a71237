/**
 * @module A one-shot command's embedder: when the warm hook daemon runs for this data directory, texts are
 * embedded there (hooks/warm/embed-service.ts: the same model code and options, so the same vectors) and
 * this process never loads the ONNX runtime or the model, which is most of a cold hybrid recall. With no
 * daemon (or CAIRN_HOOK_DAEMON=off, another build, a daemon that fails or is late) the model loads here, as
 * before. Recall results are identical either way (test/e2e/recall-warm-embed.test.ts).
 */
import type { EmbedKind, EmbedOptions, Embedder } from "../embed/port.ts";
import { log } from "../log.ts";
import { decodeVector, type EmbedReply, type EmbedRequest } from "../hooks/warm/embed-service.ts";
import { askDaemon, daemonSocket, type Deadlines } from "./warm-ask.ts";

/** The first question may wait for the daemon to load the model (~0.5 s, more on a loaded machine). */
const FIRST_MS = { connectMs: 250, sentMs: 500, replyMs: 4000 };
const LATER_MS = { connectMs: 250, sentMs: 500, replyMs: 2000 };

type Shape = Extract<EmbedReply, { vectors: string[] }>;

const ask = (sock: string, embed: EmbedRequest, deadlines: Deadlines): Promise<Shape | null> => askDaemon<EmbedReply>(sock, { embed }, deadlines, "embed");

class WarmEmbedder implements Embedder {
  readonly model: string;
  readonly dims: number;
  readonly minScore?: number;
  readonly oneScript?: boolean;
  readonly #sock: string;
  readonly #openLocal: () => Promise<Embedder>;
  #local: Promise<Embedder> | undefined;

  constructor(sock: string, shape: Shape, openLocal: () => Promise<Embedder>) {
    this.model = shape.model;
    this.dims = shape.dims;
    if (shape.minScore !== undefined) this.minScore = shape.minScore;
    if (shape.oneScript !== undefined) this.oneScript = shape.oneScript;
    this.#sock = sock;
    this.#openLocal = openLocal;
  }

  async embed(texts: string[], kind: EmbedKind, opts: EmbedOptions = {}): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const reply = await ask(this.#sock, { model: this.model, texts, kind, ...(opts.oneShot ? { oneShot: true } : {}) }, LATER_MS);
    if (reply && reply.model === this.model && reply.dims === this.dims && reply.vectors.length === texts.length) {
      const vectors = reply.vectors.map(decodeVector);
      if (vectors.every((v) => v.length === this.dims)) return vectors;
    }
    // The daemon went away or answered oddly: this process embeds (the same model, so the same vectors).
    this.#local ??= this.#openLocal();
    const local = await this.#local;
    if (local.model !== this.model || local.dims !== this.dims) throw new Error(`model ${local.model}/${local.dims} loaded here differs from the daemon's ${this.model}/${this.dims}`);
    return local.embed(texts, kind, opts);
  }

  async dispose(): Promise<void> {
    const local = this.#local;
    this.#local = undefined;
    if (local) await local.then((e) => e.dispose()).catch(() => undefined);
  }
}

/** The daemon's embedder for `model` when a daemon of this build answers, else `openLocal()`. */
export async function openOneShotEmbedder(dataDir: string, model: string, openLocal: () => Promise<Embedder>): Promise<Embedder> {
  const sock = daemonSocket(dataDir);
  if (sock) {
    const shape = await ask(sock, { model, texts: [], kind: "query" }, FIRST_MS);
    if (shape) {
      log.debug(`embedding through the hook daemon (${shape.model}, ${shape.dims} dims)`);
      return new WarmEmbedder(sock, shape, openLocal);
    }
  }
  return openLocal();
}
