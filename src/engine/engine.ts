/**
 * @module The Engine: the one API every transport (CLI, MCP, hooks) uses. It owns no I/O of its own; it
 * works over a {@link Store} and retrieval channels handed to it, so tests run it on an in-memory database.
 */
import type { Memory, MemoryFilter } from "../domain/memory.ts";
import type { MemoryJson } from "../domain/serialize.ts";
import type { RetrievalChannel } from "../retrieve/channel.ts";
import type { RerankStage } from "../retrieve/rerank.ts";
import { KeywordChannel } from "../retrieve/keyword-channel.ts";
import type { AuditEntry, AuditHead, DayCount, AuditQuery, AuditRecord, ChainReport, IntegrityReport, PendingErasure, ScrubOutcome, Store, StoreStats } from "../store/store.ts";
import { type Briefing, type BriefingInput, briefing, laterChanges } from "./briefing.ts";
import { type CheckpointInput, type CheckpointResult, checkpoint, type ResumeResult, resume } from "./checkpoint.ts";
import type { EngineContext, ErasurePort } from "./context.ts";
import { type ListInput, type ListResult, listMemories } from "./list.ts";
import {
  type ForgetResult,
  forgetMemory,
  getMemory,
  history,
  restoreMemory,
  type RestoreResult,
  type UpdateInput,
  updateMemory,
} from "./modify.ts";
import { knownProjects, type ProjectInfo, type ProjectUse, resolveProject } from "./projects.ts";
import { type RecallInput, type RecallResult, recall } from "./recall.ts";
import { type PreparedMemory, prepareMemory, type RememberInput, type RememberResult, remember, rememberPrepared } from "./remember.ts";
import {
  type CloseHow,
  type CloseResult,
  closeReminder,
  type RemindInput,
  type Reminders,
  type RemindersInput,
  type RemindResult,
  remind,
  reminders,
} from "./remind.ts";
import { type Link, links, type RelateResult, relate } from "./relate.ts";
import { type Neighbourhood, neighbourhood } from "./neighbourhood.ts";
import { resolveScope, type ScopeOptions } from "./scope.ts";
import { type TimelineInput, type TimelineResult, timeline } from "./timeline.ts";
import { exportRecords } from "./export.ts";
import { resolveLoggedId, shortIds } from "./ids.ts";
import { redactingStore } from "./redacting-store.ts";
import type { ImportOptions, ImportReport, Progress } from "./import.ts";
import type { RawLine } from "./import-parse.ts";
import { type EraseHistoryResult, eraseMemoryHistory } from "./erase-history.ts";
import type { Hold, RetentionRule } from "../domain/retention.ts";
import { addHold, type HoldInput, listHolds, releaseHold } from "./holds.ts";
import { clearRules, listRules, type RuleInput, type SetRuleResult, setRule } from "./retention.ts";
import { type SweepInput, type SweepReport, sweep } from "./sweep.ts";
import { type ConsolidateInput, type ConsolidateReport, consolidate } from "./consolidate.ts";
import { type UndoConsolidationResult, undoConsolidation } from "./consolidate-undo.ts";
import { type Adopted, adoptRoot } from "./adopt-root.ts";

export interface EngineOptions {
  store: Store;
  /** The key of the project operations default to. */
  project: string;
  /** The project key of a directory a user names (`--project ../app`); without it only stored names resolve. */
  locateProject?: (ref: string) => string | undefined;
  /** Who acts, for the audit log ("cli:<user>", "mcp:<client>/<version>", "hook:<session>"). Default "api". */
  actor?: string | (() => string);
  now?: () => number;
  /** Extra retrieval channels (e.g. dense) by name; the keyword channel is always present. */
  channels?: Record<string, RetrievalChannel>;
  /** Cross-encoder stage applied to fused candidates, when a reranker is installed. */
  reranker?: RerankStage;
  /** Called after content was written (remember, update, import): long-lived processes embed it soon. */
  onWrite?: () => void;
  /** Files outside the database a purge must also clear (hook state); see {@link ErasurePort}. */
  erasure?: ErasurePort;
  /** Told how long each recall took (the activity log behind `cairn ui`'s latency chart). */
  onRecall?: (info: { ms: number; mode: string; results: number }) => void;
}

const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Audit entries of holds and retention rules carry the hold's or rule's id in place of a memory id. */
const POLICY_ID = /^(hold|ret)-[0-9a-f]{8}$/;

export class Engine {
  readonly #ctx: EngineContext;
  readonly #opts: EngineOptions;

  constructor(opts: EngineOptions) {
    this.#opts = opts;
    this.#ctx = {
      // Every write below goes through the redaction boundary; reads see the store as it is.
      store: redactingStore(opts.store),
      project: opts.project,
      locateProject: opts.locateProject,
      // Read at each write: an MCP server learns its client's name only after the handshake.
      get actor() {
        return typeof opts.actor === "function" ? opts.actor() : (opts.actor ?? "api");
      },
      now: opts.now ?? Date.now,
      channels: { keyword: new KeywordChannel(opts.store), ...opts.channels },
      reranker: opts.reranker,
      erasure: opts.erasure,
    };
  }

  /**
   * Moves the memories stored under `root` — the project's directory, its key before the repository had a
   * git remote — to the project's key (engine/adopt-root.ts). Composition roots call it with the directory the
   * project was detected from.
   */
  adoptRoot(root: string): Adopted {
    return adoptRoot(this.#ctx, root);
  }

  /** The project this engine defaults to. */
  get project(): string {
    return this.#ctx.project;
  }

  /** The engine's clock (injectable), so transports read relative times like "3d" against the same now. */
  now(): number {
    return this.#ctx.now();
  }

  get store(): Store {
    return this.#ctx.store;
  }

  /**
   * The same engine (store, channels, actor) defaulting to another project. For long-lived transports
   * whose project changes while they run (an MCP client's roots); closing it closes the shared store.
   */
  forProject(project: string): Engine {
    return project === this.#ctx.project ? this : new Engine({ ...this.#opts, project });
  }

  /** The same engine acting as `actor` in the audit log (team sync applies a device's changes as `sync:<device>`). */
  withActor(actor: string): Engine {
    return new Engine({ ...this.#opts, actor });
  }

  remember(input: RememberInput): RememberResult {
    const result = remember(this.#ctx, input);
    this.#opts.onWrite?.();
    return result;
  }

  /**
   * {@link remember}, its search for the memories nearest the new one on the store's search thread, so a
   * long-lived process's write does not rank keyword matches on its own thread: the same result.
   */
  async rememberSoon(input: RememberInput): Promise<RememberResult> {
    return this.rememberPrepared(await this.prepareMemory(input));
  }

  /** {@link rememberSoon} in two halves, for a caller that writes inside a transaction of its own (hooks). */
  prepareMemory(input: RememberInput): Promise<PreparedMemory> {
    return prepareMemory(this.#ctx, input);
  }

  rememberPrepared(prepared: PreparedMemory): RememberResult {
    const result = rememberPrepared(this.#ctx, prepared);
    this.#opts.onWrite?.();
    return result;
  }

  async recall(input: RecallInput): Promise<RecallResult> {
    const started = performance.now();
    const result = await recall(this.#ctx, input);
    this.#opts.onRecall?.({ ms: performance.now() - started, mode: result.mode, results: result.results.length });
    return result;
  }

  get(idOrPrefix: string, opts: { track?: boolean } = {}): Memory {
    return getMemory(this.#ctx, idOrPrefix, opts.track ?? true);
  }

  /** The short form of each id, as people see and type it (engine/ids.ts). */
  shortIds(ids: readonly string[]): Map<string, string> {
    return shortIds(this.#ctx.store, ids);
  }

  /** The audit chain's end, to record elsewhere as an anchor. */
  auditHead(): AuditHead {
    return this.#ctx.store.auditHead();
  }

  /** Walks the audit chain (and proves it still holds `anchor`, a head recorded earlier). */
  verifyAudit(anchor?: { seq: number; hash: string }): ChainReport {
    return this.#ctx.store.verifyAudit(anchor);
  }

  /** Audit entries, newest first; `memory` is a full id (also of a purged memory) or a short id or prefix. */
  auditLog(q: Omit<AuditQuery, "memoryId"> & { memory?: string }): AuditRecord[] {
    const { memory, ...rest } = q;
    const memoryId = memory === undefined ? undefined : FULL_ID.test(memory) || POLICY_ID.test(memory) ? memory : resolveLoggedId(this.#ctx.store, memory);
    return this.#ctx.store.auditLog({ ...rest, ...(memoryId ? { memoryId } : {}) });
  }

  history(idOrPrefix: string): { id: string; entries: AuditEntry[] } {
    return history(this.#ctx, idOrPrefix);
  }

  /** Erases the text of a memory's old versions from the audit log; the memory stays (erase-history.ts). */
  eraseHistory(idOrPrefix: string): EraseHistoryResult {
    return eraseMemoryHistory(this.#ctx, idOrPrefix);
  }

  update(idOrPrefix: string, patch: UpdateInput): Memory {
    const memory = updateMemory(this.#ctx, idOrPrefix, patch);
    this.#opts.onWrite?.();
    return memory;
  }

  forget(idOrPrefix: string, opts: { reason?: string; hard?: boolean; keepReason?: boolean } = {}): ForgetResult {
    return forgetMemory(this.#ctx, idOrPrefix, opts);
  }

  restore(idOrPrefix: string): RestoreResult {
    const result = restoreMemory(this.#ctx, idOrPrefix);
    if (!result.already) this.#opts.onWrite?.();
    return result;
  }

  list(input: ListInput = {}): ListResult {
    return listMemories(this.#ctx, input);
  }

  /** Memories within `depth` links of one (either direction) and the links between them (`cairn graph`, the ui). */
  neighbourhood(idOrPrefix: string, depth: number, maxNodes?: number): Neighbourhood {
    return neighbourhood(this.#ctx, getMemory(this.#ctx, idOrPrefix, false), depth, maxNodes);
  }

  /** How many memories were created each day, by type (every status): the ui's growth chart. */
  createdByDay(): DayCount[] {
    return this.#ctx.store.createdByDay();
  }

  /** Links two memories with a typed relation; `supersedes` also retires the target. */
  relate(from: string, to: string, relation: string, opts: { dismiss?: boolean } = {}): RelateResult {
    return relate(this.#ctx, from, to, relation, opts);
  }

  /** The typed links of a memory (full id), from its side. */
  links(id: string): Link[] {
    return links(this.#ctx, id);
  }

  timeline(input: TimelineInput = {}): TimelineResult {
    return timeline(this.#ctx, input);
  }

  checkpoint(input: CheckpointInput): CheckpointResult {
    const result = checkpoint(this.#ctx, input);
    this.#opts.onWrite?.();
    return result;
  }

  resume(input: { task?: string } & ScopeOptions = {}): ResumeResult {
    return resume(this.#ctx, input);
  }

  briefing(input: BriefingInput = {}): Briefing {
    return briefing(this.#ctx, input);
  }

  /** For each of `memories`, the newest later memory flagged on write as a possible change of it (in this project's scope). */
  laterChanges(memories: readonly Memory[]): Map<string, Memory> {
    return laterChanges(this.#ctx, memories, this.#ctx.project, this.#ctx.now());
  }

  /** Stores a reminder due at `at` or `in` from now (remind.ts). */
  remind(input: RemindInput): RemindResult {
    const result = remind(this.#ctx, input);
    this.#opts.onWrite?.();
    return result;
  }

  /** Pending reminders in scope, split into due and upcoming. */
  reminders(input: RemindersInput = {}): Reminders {
    return reminders(this.#ctx, input);
  }

  /** Acknowledges (done) or cancels a reminder, so it leaves the briefings. */
  closeReminder(idOrPrefix: string, how: CloseHow): CloseResult {
    return closeReminder(this.#ctx, idOrPrefix, how);
  }

  /** Places a legal hold on a project, tag or memory (engine/holds.ts); audit-logged. */
  addHold(input: HoldInput): Hold {
    return addHold(this.#ctx, input);
  }

  /** Lifts a legal hold; audit-logged with `reason`. */
  releaseHold(id: string, reason: string): Hold {
    return releaseHold(this.#ctx, id, reason);
  }

  holds(opts: { includeReleased?: boolean } = {}): Hold[] {
    return listHolds(this.#ctx, opts.includeReleased ?? false);
  }

  /** Sets (or changes) the retention rule for one type, project or tag (engine/retention.ts). */
  setRetention(input: RuleInput): SetRuleResult {
    return setRule(this.#ctx, input);
  }

  retentionRules(): RetentionRule[] {
    return listRules(this.#ctx);
  }

  /** The sweep's mark on memory `id` (expired under a rule, not purged yet), with the rule if it still stands. */
  retentionMark(id: string): { ruleId: string; expiredAt: number; rule: RetentionRule | null } | null {
    const mark = this.#ctx.store.policy.marks().find((m) => m.memoryId === id);
    return mark ? { ruleId: mark.ruleId, expiredAt: mark.expiredAt, rule: listRules(this.#ctx).find((r) => r.id === mark.ruleId) ?? null } : null;
  }

  clearRetention(ids: readonly string[] | "all"): RetentionRule[] {
    return clearRules(this.#ctx, ids);
  }

  /** Folds near-copies and same-error groups into consolidated memories (engine/consolidate.ts). */
  consolidate(input: ConsolidateInput = {}): ConsolidateReport {
    return consolidate(this.#ctx, input);
  }

  undoConsolidation(idOrPrefix: string): UndoConsolidationResult {
    return undoConsolidation(this.#ctx, idOrPrefix);
  }

  /** Expires what is past retention and purges what is past its grace (engine/sweep.ts). */
  sweep(input: SweepInput = {}): SweepReport {
    return sweep(this.#ctx, input);
  }

  /** Projects that hold memories, with the names they can be called by. */
  projects(): ProjectInfo[] {
    return knownProjects(this.#ctx);
  }

  /** The key of a project as a user or agent names it; throws PROJECT_UNKNOWN for reads of unknown names. */
  resolveProject(ref: string, use: ProjectUse = "read"): string {
    return resolveProject(this.#ctx, ref, use);
  }

  stats(): StoreStats {
    return this.#ctx.store.stats(this.#ctx.now());
  }

  /** A purge whose old copies still wait in the WAL (another process was reading), or null. */
  pendingErasure(): PendingErasure | null {
    return this.#ctx.store.pendingErasure();
  }

  /** Finishes a pending erasure if no other process holds the old copies any more. */
  finishErasure(): ScrubOutcome {
    return this.#ctx.store.finishErasure();
  }

  check(): IntegrityReport {
    return this.#ctx.store.check();
  }

  /** Measures grown tables for the query planner (store/planner-stats.ts); false when busy or read-only. */
  refreshPlannerStats(): boolean {
    return this.#ctx.store.refreshPlannerStats();
  }

  /**
   * All-or-nothing JSONL import (see import.ts): the whole text, or lines read as the import goes (constant
   * memory). Loaded on demand, as only imports need its schema.
   */
  async import(jsonl: string | Iterable<RawLine>, onProgress?: Progress, opts: ImportOptions = {}): Promise<ImportReport> {
    const { importJsonl } = await import("./import.ts");
    const report = importJsonl(this.#ctx, jsonl, onProgress, opts);
    this.#opts.onWrite?.();
    return report;
  }

  /** Export everything in scope (default: all projects, all statuses, expired included). */
  export(scope: ScopeOptions = { allProjects: true }, filter: Partial<MemoryFilter> = {}): Iterable<MemoryJson> {
    return exportRecords(this.#ctx, {
      statuses: ["active", "superseded", "archived"],
      includeExpired: true,
      ...filter,
      scope: resolveScope(this.#ctx, scope),
    });
  }

  close(): void {
    this.#ctx.store.close();
  }
}
