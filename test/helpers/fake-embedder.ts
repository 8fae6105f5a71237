/** @module Test helper: a tiny deterministic embedder (word-hash counts, normalised) for channel and pipeline tests. */
import type { EmbedKind, Embedder } from "../../src/embed/port.ts";

export class WordHashEmbedder implements Embedder {
  readonly model: string;
  readonly dims: number;
  calls = 0;
  embedded = 0;

  constructor(model = "fake", dims = 64) {
    this.model = model;
    this.dims = dims;
  }

  async embed(texts: string[], _kind: EmbedKind): Promise<Float32Array[]> {
    this.calls++;
    this.embedded += texts.length;
    return texts.map((t) => {
      const v = new Float32Array(this.dims);
      for (const w of t.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
        let h = 2166136261;
        for (const c of w) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
        v[(h >>> 0) % this.dims]! += 1;
      }
      let n = 0;
      for (const x of v) n += x * x;
      if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= Math.sqrt(n);
      else v[0] = 1;
      return v;
    });
  }

  async dispose(): Promise<void> {}
}
