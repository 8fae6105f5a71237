/** @module The port for retention rules, legal holds and the sweep's marks (src/store/policy-sql.ts implements it). */
import type { Memory } from "../domain/memory.ts";
import type { Hold, PolicySubject, RetentionMark, RetentionRule } from "../domain/retention.ts";

export interface PolicyStore {
  /** Every retention rule, oldest first. */
  rules(): RetentionRule[];
  /** Stores `rule`, or replaces keep and grace of the rule with the same selector; returns the rule it replaced. */
  putRule(rule: RetentionRule): RetentionRule | null;
  /** Deletes the rules with these ids (every rule for "all"); returns those deleted. */
  deleteRules(ids: readonly string[] | "all"): RetentionRule[];
  /** Holds, oldest first; released ones only when asked. */
  holds(includeReleased: boolean): Hold[];
  hold(id: string): Hold | null;
  addHold(hold: Hold): void;
  releaseHold(id: string, at: number, by: string, reason: string): void;
  /** The first difference between the holds and rules stored and those the audit log put in force, or null. */
  auditProblem(): { seq: number; problem: string; policy: string } | null;
  /** Writes the holds and rules back to what the audit log put in force; how many rows changed. */
  restoreFromAudit(): number;
  /** The holds in force that cover `subject`. */
  holdsOn(subject: PolicySubject): Hold[];
  /**
   * Memories (any status) `rule` covers that are past retention at `now` (created at least `keepMs` ago, or
   * their own expiry passed) and not yet marked by the sweep, oldest first: those under a legal hold when
   * `held`, else the others (so held memories never crowd a batch out).
   */
  pastRetention(rule: RetentionRule, now: number, limit: number, held: boolean): Memory[];
  marks(): RetentionMark[];
  addMark(mark: RetentionMark): void;
  deleteMark(memoryId: string): void;
  /** Whether a sweep (this process's or another's) expired the memory and has not purged it yet. */
  hasMark(memoryId: string): boolean;
  /** Drops marks whose memory is gone (purged by `forget --hard`); returns how many. */
  pruneMarks(): number;
  /** When a sweep last ran to completion (any process), or null. */
  lastSweep(): number | null;
  setLastSweep(at: number): void;
}
