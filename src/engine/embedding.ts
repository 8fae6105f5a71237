/**
 * @module The embedding pipeline: computes vectors, in batches, for memories that lack one for the active
 * model. Writes stay synchronous and never wait for a model; this runs before dense searches (bounded),
 * from `cairn models reembed`, and after writes in long-lived processes.
 */
import type { Embedder } from "../embed/port.ts";
import type { Store } from "../store/store.ts";

export interface EmbedProgress {
  done: number;
  /** Memories still lacking a vector when the run started. */
  total: number;
}

export interface EmbedPendingOptions {
  /** Stop after this many memories (default: all). */
  max?: number;
  /** Stop once this time (performance.now()) has passed; checked between batches. */
  deadline?: number;
  batch?: number;
  now?: () => number;
  onProgress?: (p: EmbedProgress) => void;
}

export async function embedPending(
  store: Store,
  embedder: Embedder,
  opts: EmbedPendingOptions = {},
): Promise<{ embedded: number; remaining: number }> {
  const batch = opts.batch ?? 64;
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  const total = store.vectors.pendingCount(embedder.model);
  let done = 0;
  let attempts = 0;
  while (done < max && (opts.deadline === undefined || performance.now() < opts.deadline)) {
    const rows = store.vectors.pending(embedder.model, Math.min(batch, max - done));
    if (rows.length === 0) break;
    const vectors = await embedder.embed(rows.map((r) => r.content), "document");
    const written = store.vectors.put(
      embedder.model,
      embedder.dims,
      rows.map((r, i) => ({ seq: r.seq, contentHash: r.contentHash, vector: vectors[i]! })),
      (opts.now ?? Date.now)(),
    );
    done += written;
    // Texts edited while we embedded are skipped by put() and come back with their new content; a run
    // that keeps writing nothing would mean constant churn, so give up after a few empty rounds.
    attempts = written === 0 ? attempts + 1 : 0;
    if (attempts >= 3) break;
    opts.onProgress?.({ done, total });
  }
  return { embedded: done, remaining: store.vectors.pendingCount(embedder.model) };
}
