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
   * The model knows one writing system's words (USE-lite: English): a query and a memory in different scripts
   * match by accident, and dense recall does not return such a match on its own (text/script.ts).
   */
  readonly oneScript?: boolean;
  /** One unit-length vector per text, in order. */
  embed(texts: string[], kind: EmbedKind, opts?: EmbedOptions): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface Reranker {
  readonly model: string;
  /** Relevance of each document to the query; higher is better, comparable within one call. */
  score(query: string, documents: string[]): Promise<number[]>;
  dispose(): Promise<void>;
}
