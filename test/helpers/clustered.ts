/** @module Test helper: generated vector stores — unit vectors near random centres, written straight to the tables (no embedder). */
import type { SqliteStore } from "../../src/store/sqlite-store.ts";
import { rng } from "./rng.ts";

/**
 * Draws unit vectors of `dims` near one of `clusters` centres (each value N(bias, 1)), moved by `spread`
 * times a normal step per dim; the centres first, then each point, from one stream seeded with `seed`.
 */
export function clusteredPoints(seed: number, dims: number, clusters: number, spread: number, bias = 0): () => Float32Array {
  const r = rng(seed);
  const g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centers = Array.from({ length: clusters }, () => Float32Array.from({ length: dims }, () => g() + bias));
  return () => {
    const c = centers[Math.floor(r() * centers.length)]!;
    const v = c.map((x) => x + spread * g());
    const s = Math.hypot(...v);
    return v.map((x) => x / s);
  };
}

/** `n` memories (seqs 1 … n) written to `store`'s tables, each with the next vector of `point` under model "fake". */
export function writePoints(store: SqliteStore, n: number, dims: number, point: () => Float32Array): void {
  const db = store.database;
  db.transaction(() => {
    const ins = db.query("INSERT INTO memories (id, content, type, created_at, updated_at, priority, content_hash, canonical_hash) VALUES (?, 'x', 'note', 1, 1, 3, ?, ?)");
    for (let i = 0; i < n; i++) ins.run(`m${i}`, `h${i}`, `c${i}`);
  })();
  for (let i = 0; i < n; i += 2000) {
    store.vectors.put("fake", dims, Array.from({ length: Math.min(2000, n - i) }, (_, j) => ({ seq: i + j + 1, contentHash: `h${i + j}`, vector: point() })), 1);
  }
}
