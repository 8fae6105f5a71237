/**
 * @module The embedding pipeline: computes vectors, in batches, for memories that lack one for the active
 * model. Writes stay synchronous and never wait for a model; this runs before dense searches (bounded),
 * from `cairn models reembed`, and after writes in long-lived processes.
 */
import type { Embedder } from "../embed/port.ts";
import type { Store } from "../store/store.ts";
import type { PendingCursor } from "../store/vector-store.ts";

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
  /**
   * Oldest first, for a run over a whole backlog (`cairn models reembed`, the background worker, an import):
   * vectors are then written in key order, which fills the pages of the vectors' primary-key index; written
   * newest first, batch under batch, they left it half empty (20 bytes a memory at 100k and 1M). Taken from
   * {@link OLDEST_FIRST_FROM} memories to embed: the walk up first passes every memory that has a vector (0.9 s
   * at 1M memories, 3.1 s with the page cache cold), which a few fresh writes at the top are not worth. Bounded
   * runs (a search's catch-up, a server after a write) keep newest first: what was just written is what they
   * are for.
   */
  oldestFirst?: boolean;
}

/** Memories to embed from which a run asked for oldest first walks up (see EmbedPendingOptions.oldestFirst). */
export const OLDEST_FIRST_FROM = 256;

/**
 * Memories read and embedded per round. The model sorts each round's texts by length into sub-batches of 32,
 * so a bigger round pads less: generated memories (69 tokens on average) carry +33.5% padding tokens in rounds
 * of 64 and +9.7% in rounds of 256 (LoCoMo turns: +67% → +19%); measured 49–64 → 69–81 memories per CPU-second.
 */
const BATCH = 256;

export async function embedPending(
  store: Store,
  embedder: Embedder,
  opts: EmbedPendingOptions = {},
): Promise<{ embedded: number; remaining: number }> {
  const batch = opts.batch ?? BATCH;
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  const total = store.vectors.pendingCount(embedder.model);
  let done = 0;
  const up = opts.oldestFirst === true && total >= OLDEST_FIRST_FROM;
  let cursor: PendingCursor | undefined = up ? { active: true, past: Number.MIN_SAFE_INTEGER, up: true } : undefined;
  while (done < max && (opts.deadline === undefined || performance.now() < opts.deadline)) {
    const { rows, next } = store.vectors.pending(embedder.model, Math.min(batch, max - done), cursor);
    if (rows.length === 0) break;
    const vectors = await embedder.embed(rows.map((r) => r.content), "document");
    const written = store.vectors.put(
      embedder.model,
      embedder.dims,
      rows.map((r, i) => ({ seq: r.seq, contentHash: r.contentHash, vector: vectors[i]! })),
      (opts.now ?? Date.now)(),
    );
    done += written;
    opts.onProgress?.({ done, total });
    // The walk goes on past the last batch, so each memory is read once per run. Texts edited while we
    // embedded were skipped by put(); memories written meanwhile are above the cursor: a walk down leaves them
    // to the next run (the next search, the worker's next round), a walk up meets them.
    if (next === null) break;
    cursor = next;
  }
  return { embedded: done, remaining: store.vectors.pendingCount(embedder.model) };
}
