/**
 * @module The integrity check of a long-lived process, run on a thread of its own (check-worker.ts) for a large
 * file: `PRAGMA quick_check` reads all of it (0.7 s at 100k memories, 8–28 s at 1M), and on the store's thread
 * every request arriving meanwhile waited (`cairn mcp` at 1M: a recall 3 s after start took 5.3 s). Writes do
 * not wait for the verdict; once it is in, a damaged file's writes are refused (live-db.ts).
 */
import { workerUrl } from "../worker-url.ts";

/** What the check's thread is given, and what it answers. */
export interface CheckRequest {
  path: string;
}
export interface CheckReply {
  verdict: string;
}

export class BackgroundCheck {
  #worker: Worker | null;
  #verdict: string | null = null;

  /** Starts checking the database at `path` now. */
  constructor(path: string) {
    const worker = new Worker(workerUrl(import.meta.url, "./store/check-worker.ts"));
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<CheckReply>) => {
      this.#verdict = event.data.verdict;
      this.stop();
    };
    // The thread failed to start or died: no verdict; the store then checks on its own thread when quiet.
    worker.onerror = () => this.stop();
    worker.postMessage({ path } satisfies CheckRequest);
    // The thread must not keep a process alive that has nothing else to do.
    worker.unref();
  }

  /** The verdict ("ok", or what the check found) once the thread has it; null while it runs or if it failed. */
  get verdict(): string | null {
    return this.#verdict;
  }

  /** Whether the thread still runs. */
  get running(): boolean {
    return this.#worker !== null;
  }

  /** Stops the thread (its verdict is no longer wanted, or it sent it). */
  stop(): void {
    this.#worker?.terminate();
    this.#worker = null;
  }
}
