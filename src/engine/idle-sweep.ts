/**
 * @module Running the retention sweep in a long-lived process without getting in a request's way: only when
 * no request is in flight and none came for `idleMs`, and at most once per `everyMs` across every process
 * (the last sweep's time is kept in the database). Any long-lived process can drive one (the MCP server does).
 */
import { describeError } from "../errors.ts";
import type { Engine } from "./engine.ts";

/**
 * What a long-lived process does when quiet: the retention sweep, then folding near-copies together (never
 * same-error groups: those wait for `cairn consolidate`), then the planner's statistics for tables that grew.
 * The audit actors are "sweep" and "consolidate".
 */
export function idleWork(engine: Engine): void {
  engine.sweep({ actor: "sweep" });
  engine.consolidate({ allProjects: true, reasons: ["near-copies"], actor: "consolidate", limit: IDLE_CONSOLIDATE_SCAN, idle: true });
  engine.refreshPlannerStats();
}

/** The quiet time before idle work, from `CAIRN_IDLE_WORK_MS` (tests shorten it), else the default. */
export function idleWorkDelay(): number | undefined {
  const n = Number(process.env.CAIRN_IDLE_WORK_MS);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Newest memories one idle pass compares: near-copies are mostly captured close together; ~0.1 s of work. */
const IDLE_CONSOLIDATE_SCAN = 5000;

export interface IdleSweepOptions {
  /** Runs one sweep (engine.sweep with actor "sweep"). */
  sweep: () => unknown;
  /** When any process last swept (store.policy.lastSweep), or null. */
  lastSweep: () => number | null;
  now?: () => number;
  /** Quiet time before a sweep may start (default 2 minutes). */
  idleMs?: number;
  /** At most one sweep per this much time (default 1 hour). */
  everyMs?: number;
  onError?: (message: string) => void;
}

export class IdleSweeper {
  readonly #opts: IdleSweepOptions;
  readonly #now: () => number;
  #inFlight = 0;
  #lastActivity: number;
  /** This process's last attempt, so a failing sweep is not retried on every tick. */
  #lastAttempt: number | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(opts: IdleSweepOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#lastActivity = this.#now();
  }

  /** A request started. */
  begin(): void {
    this.#inFlight++;
    this.#lastActivity = this.#now();
  }

  /** A request finished. */
  end(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#lastActivity = this.#now();
  }

  /** Sweeps if the process is idle and no sweep ran recently; true when it swept. */
  tick(): boolean {
    const now = this.#now();
    if (this.#inFlight > 0 || now - this.#lastActivity < (this.#opts.idleMs ?? 120_000)) return false;
    const every = this.#opts.everyMs ?? 3_600_000;
    if (this.#lastAttempt !== null && now - this.#lastAttempt < every) return false;
    try {
      const last = this.#opts.lastSweep();
      if (last !== null && now - last < every) return false;
      this.#lastAttempt = now;
      this.#opts.sweep();
      return true;
    } catch (err) {
      this.#lastAttempt = now;
      this.#opts.onError?.(`retention sweep failed: ${describeError(err)}`);
      return false;
    }
  }

  /** Checks every `intervalMs` (default a minute, or the quiet time when shorter) without keeping the process alive. */
  start(intervalMs = Math.min(60_000, this.#opts.idleMs ?? 60_000)): void {
    this.stop();
    this.#timer = setInterval(() => this.tick(), intervalMs);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
