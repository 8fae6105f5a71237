/** @module The embedding and reranking ports. Type-only: importing this never loads a model runtime. */

/** Queries and documents may be encoded differently (e.g. e5's "query: " / "passage: " prefixes). */
export type EmbedKind = "query" | "document";

export interface EmbedOptions {
  /**
   * The caller embeds this query and is done (a one-shot `cairn recall`, or the warm daemon answering for one):
   * an embedder may answer without starting its heavier runtime (use-lite's WebAssembly query path). Every
   * caller that must give the same vectors as a one-shot command passes it alike.
   */
  oneShot?: boolean;
}

export interface Embedder {
  /** The model id vectors are stored under; vectors of different ids are never compared. */
  readonly model: string;
  readonly dims: number;
  /** Cosine below which a match is noise for this model (dense recall drops it); 0 keeps everything. */
  readonly minScore?: number;
  /**
   * The model knows English words only, in the Latin script (USE-lite): a match of a query or a memory in another
   * script is an accident, and dense recall does not return it on its own (text/script.ts).
   */
  readonly oneScript?: boolean;
  /** One unit-length vector per text, in order. */
  embed(texts: string[], kind: EmbedKind, opts?: EmbedOptions): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** What a wrapper of an embedder must pass on for dense recall to treat its vectors as the model's own. */
export type EmbedderTraits = Pick<Embedder, "model" | "dims" | "minScore" | "oneScript">;

/**
 * `e`'s traits, the optional ones only when set. Every wrapper (the daemon's shared session, a one-shot command's
 * embedder through the daemon, the query read ahead) spreads them: a copy that dropped `oneScript` let the daemon
 * return a Korean memory for a Chinese query on the dense channel alone, where the command did not (QA).
 */
export function traitsOf(e: EmbedderTraits): EmbedderTraits {
  return {
    model: e.model,
    dims: e.dims,
    ...(e.minScore !== undefined ? { minScore: e.minScore } : {}),
    ...(e.oneScript !== undefined ? { oneScript: e.oneScript } : {}),
  };
}

export interface Reranker {
  readonly model: string;
  /** Relevance of each document to the query; higher is better, comparable within one call. */
  score(query: string, documents: string[]): Promise<number[]>;
  dispose(): Promise<void>;
}
