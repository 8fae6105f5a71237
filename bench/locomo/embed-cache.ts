/**
 * @module A file-backed cache in front of an embedder, for iterating on retrieval: embedding LoCoMo's 5,882
 * turns takes ~27 s of a ~45 s run, and the vectors never change between runs of the same model. The cache
 * lives wherever `--embed-cache` points (outside the repository); results are identical with or without it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { EmbedKind, Embedder } from "../../src/embed/port.ts";

/** Wraps `inner`; call `save()` once at the end to persist vectors computed during the run. */
export function cachedEmbedder(inner: Embedder, path: string): Embedder & { save(): void } {
  const cache = new Map<string, Float32Array>();
  if (existsSync(path)) {
    const { model, entries } = JSON.parse(readFileSync(path, "utf8")) as { model: string; entries: Array<[string, string]> };
    // A cache of another model would silently change the results: ignore it rather than mix.
    if (model === inner.model) {
      for (const [key, b64] of entries) cache.set(key, new Float32Array(new Uint8Array(Buffer.from(b64, "base64")).buffer));
    }
  }
  let dirty = false;
  const keyOf = (text: string, kind: EmbedKind) => `${kind}\u0000${text}`;
  return {
    model: inner.model,
    dims: inner.dims,
    minScore: inner.minScore,
    async embed(texts: string[], kind: EmbedKind): Promise<Float32Array[]> {
      const missing = [...new Set(texts.filter((t) => !cache.has(keyOf(t, kind))))];
      if (missing.length > 0) {
        const vectors = await inner.embed(missing, kind);
        missing.forEach((t, i) => cache.set(keyOf(t, kind), vectors[i]!));
        dirty = true;
      }
      return texts.map((t) => cache.get(keyOf(t, kind))!);
    },
    dispose: () => inner.dispose(),
    save() {
      if (!dirty) return;
      const entries = [...cache].map(([k, v]) => [k, Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64")]);
      writeFileSync(path, JSON.stringify({ model: inner.model, entries }));
    },
  };
}
