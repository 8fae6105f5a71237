/**
 * @module Syncing in long-lived processes (the MCP server, the warm hook daemon): on an interval, only when
 * no request is in flight, never on a request's path, and backing off (doubling up to a cap) while the
 * server is down. A process that is not in a team pays one `existsSync` per interval.
 */
import { describeError } from "../errors.ts";

export interface BackgroundSyncOptions {
  /** One sync; resolves false when this data directory is not in a team (nothing to do). */
  run: () => Promise<boolean>;
  /** True while a request is being served: the sync waits for a quiet moment. */
  busy: () => boolean;
  /** Between successful syncs (default a minute; CAIRN_SYNC_INTERVAL_MS overrides). */
  intervalMs?: number;
  /** The longest wait after failures (default 15 minutes). */
  maxBackoffMs?: number;
  now?: () => number;
  /** Told of the first failure of a streak, and of a different failure after it. */
  onError?: (message: string) => void;
}

/** Resolves once `busy` is false (checked every few milliseconds): a sync's next batch waits for a quiet moment. */
export async function whenQuiet(busy: () => boolean, everyMs = 5): Promise<void> {
  while (busy()) await new Promise((r) => setTimeout(r, everyMs));
}

export class BackgroundSync {
  readonly #opts: BackgroundSyncOptions;
  readonly #now: () => number;
  readonly #interval: number;
  #nextAt = 0;
  #failures = 0;
  #lastError = "";
  #running = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(opts: BackgroundSyncOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#interval = opts.intervalMs ?? (Number(process.env.CAIRN_SYNC_INTERVAL_MS) || 60_000);
  }

  /** Consecutive failures so far (0 after a success). */
  get failures(): number {
    return this.#failures;
  }

  /** When the next attempt may start. */
  get nextAt(): number {
    return this.#nextAt;
  }

  /** Syncs if it is time and the process is quiet; true when a sync ran and succeeded. */
  async tick(): Promise<boolean> {
    const now = this.#now();
    if (this.#running || now < this.#nextAt || this.#opts.busy()) return false;
    this.#running = true;
    try {
      const ran = await this.#opts.run();
      this.#failures = 0;
      this.#lastError = "";
      this.#nextAt = this.#now() + this.#interval;
      return ran;
    } catch (err) {
      this.#failures++;
      const wait = Math.min(this.#interval * 2 ** this.#failures, this.#opts.maxBackoffMs ?? 15 * 60_000);
      this.#nextAt = this.#now() + wait;
      const message = describeError(err);
      if (message !== this.#lastError) this.#opts.onError?.(`background sync failed (next try in ${Math.round(wait / 1000)} s): ${message}`);
      this.#lastError = message;
      return false;
    } finally {
      this.#running = false;
    }
  }

  /** Checks every `checkMs` without keeping the process alive. */
  start(checkMs = Math.min(this.#interval, 5000)): void {
    this.stop();
    this.#timer = setInterval(() => void this.tick(), checkMs);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
