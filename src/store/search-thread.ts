/**
 * @module Keyword search on a second thread. A long-lived process (`cairn mcp`, `cairn ui`, the hook daemon)
 * answers a hybrid recall with two heavy parts: FTS5's BM25 over every keyword match (~12 ms at 100k memories,
 * ~70 ms at 1M) and the vector ranking (~10 ms, ~60 ms). On one thread they add up; here the keyword part
 * runs in a worker (fts-worker.ts) on its own read-only connection while the main thread ranks vectors. The
 * worker sees what the main connection committed (WAL: a read starts from the latest commit), and it is
 * reopened whenever the main connection was (the file was replaced). When the worker cannot start, open the
 * file or answer, the caller searches on its main connection: only speed is lost.
 */
import type { MemoryRow } from "./rows.ts";
import type { SqlWhere } from "./filter-sql.ts";
import { statSync } from "node:fs";
import { log } from "../log.ts";
import { workerUrl } from "../worker-url.ts";

/**
 * The database size from which a long-lived process runs keyword searches on the thread (~35k memories). Below
 * it BM25 over every match takes a millisecond or two, less than the thread saves, and the warm hook daemon's
 * handlers measured 1–3 ms slower at 10k memories with it (a round trip per search, the map given to the reader).
 */
export const SEARCH_THREAD_FROM = 64 * 2 ** 20;

/** Whether a store at `path` searches on the thread, from `from` bytes of database (undefined: never). */
export function threadFor(path: string, from: number | undefined): boolean {
  return from !== undefined && path !== ":memory:" && (statSync(path, { throwIfNoEntry: false })?.size ?? 0) >= from;
}

export interface SearchRequest {
  id: number;
  path: string;
  generation: number;
  match: string;
  where: SqlWhere;
  limit: number;
  rate: number;
  /** Whether `rate` was measured (fts.ts PassRate). */
  measured?: boolean;
  /** The match's terms (safe expressions), so the thread drops the very common ones first (common-terms.ts). */
  terms?: string[];
  /** Whether the thread may rank from an in-memory copy of the index (text-index-source.ts). */
  indexed?: boolean;
  /** An encrypted store's key (ContentCodec.threadKey): the index reads changed rows through it. */
  key?: Uint8Array;
}

/** Asks the thread to open the store and build its in-memory index now, before the first search needs it. */
export interface PrepareRequest {
  prepare: true;
  path: string;
  generation: number;
  key?: Uint8Array;
}

/** A search's hits; `indexed`: ranked from the in-memory index rather than by FTS5 (the same ranks, sooner). */
export type SearchReply =
  | { id: number; hits: Array<{ row: MemoryRow; rank: number }>; rate: number; measured: boolean; indexed: boolean }
  | { id: number; error: string };

export class SearchThread {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve: (r: SearchReply) => void; reject: (e: Error) => void }>();
  #next = 0;
  /** Set once the thread failed: the caller searches in process from then on. */
  #broken: Error | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<SearchReply>) => {
      const waiting = this.#waiting.get(event.data.id);
      this.#waiting.delete(event.data.id);
      waiting?.resolve(event.data);
    };
    worker.onerror = (event) => this.#fail(new Error(`keyword search thread failed: ${event.message}`));
    // An idle search thread must not keep the process alive (`cairn mcp` exits when its input ends).
    worker.unref();
  }

  /** A started thread, or null (then the caller searches in process). */
  static start(): SearchThread | null {
    try {
      return new SearchThread(new Worker(workerUrl(import.meta.url, "./store/fts-worker.ts")));
    } catch (err) {
      log.debug(`keyword search thread unavailable, searching in process: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  /** Has the thread build its in-memory index of the store now (no reply; a failure only costs speed). */
  prepare(req: Omit<PrepareRequest, "prepare">): void {
    if (!this.#broken) this.#worker.postMessage({ ...req, prepare: true } satisfies PrepareRequest);
  }

  /** Runs one search on the thread; rejects when the thread is broken or the search failed there. */
  async search(req: Omit<SearchRequest, "id">): Promise<Extract<SearchReply, { hits: unknown }>> {
    if (this.#broken) throw this.#broken;
    const id = this.#next++;
    const reply = await new Promise<SearchReply>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ ...req, id } satisfies SearchRequest);
    });
    if ("error" in reply) throw new Error(reply.error);
    return reply;
  }

  /** {@link search}, or null when it failed: the thread is closed then, and the caller searches in process from now on. */
  async searchOrClose(req: Omit<SearchRequest, "id">): Promise<Extract<SearchReply, { hits: unknown }> | null> {
    try {
      return await this.search(req);
    } catch (err) {
      log.debug(`keyword search thread failed, searching in process from now on: ${err instanceof Error ? err.message : String(err)}`);
      this.close();
      return null;
    }
  }

  close(): void {
    this.#fail(new Error("keyword search thread closed"));
    this.#worker.terminate();
  }

  #fail(err: Error): void {
    this.#broken ??= err;
    for (const w of this.#waiting.values()) w.reject(err);
    this.#waiting.clear();
  }
}
