/** @module The storage port: everything the engine needs from persistence, and nothing about SQL. */
import type { ContentCodec } from "./content-codec.ts";
import type { Edge } from "../domain/edge.ts";
import type { Link } from "./edges.ts";
import type { Memory, MemoryFilter, Scope } from "../domain/memory.ts";
import type { PolicyStore } from "./policy-store.ts";
import type { VectorStore } from "./vector-store.ts";

/** What a purge left on disk: nothing, or old copies in the WAL until `holders` other processes let go (null: unknown). */
export type ScrubOutcome = { complete: true } | { complete: false; holders: number | null };

/** Erasures waiting for the WAL to be emptied: since when, and how many purges. */
export interface PendingErasure {
  since: number;
  purges: number;
}

/** `expire` (the retention sweep), `hold`/`release` (legal holds) and `retention` (rules) come from engine/holds.ts and sweep.ts. */
export type AuditOp = "create" | "update" | "reinforce" | "forget" | "restore" | "purge" | "link" | "expire" | "hold" | "release" | "retention" | "consolidate" | "erase_history" | "repair";

import type { AuditHead, ChainReport } from "./audit-chain.ts";

export type { AuditHead, ChainReport };

export interface AuditEntry {
  at: number;
  actor: string;
  op: AuditOp;
  memoryId: string;
  hashBefore: string | null;
  hashAfter: string | null;
  /** Previous content, kept for updates so old versions can be shown; erased when the memory is purged. */
  contentBefore: string | null;
  detail: Record<string, unknown>;
}

/** An audit entry with its place in the chain. */
export interface AuditRecord extends AuditEntry {
  seq: number;
  entryHash: string | null;
}

export interface AuditQuery {
  memoryId?: string;
  /** Entries of this operation only ("purge", …). */
  op?: AuditOp;
  actor?: string;
  since?: number;
  until?: number;
  limit: number;
}

export interface TextHit {
  memory: Memory;
  /** Higher is better (negated BM25). */
  score: number;
}

export interface ListOptions {
  limit: number;
  offset?: number;
  /** Newest first by default; "priority" = highest priority, then most used, then newest. */
  order?: "newest" | "oldest" | "priority";
  /** Which time newest/oldest refers to: creation (default) or when it happened (event time, else creation). */
  by?: "created" | "event";
}

/** Memories created on one UTC day (epoch ms of its midnight) of one type, any status. */
export interface DayCount {
  day: number;
  type: string;
  count: number;
}

export interface StoreStats {
  total: number;
  byStatus: Record<string, number>;
  byType: Record<string, number>;
  byProject: Array<{ project: string | null; count: number }>;
  expired: number;
  vectors: number;
  edges: number;
  auditEntries: number;
  oldest: number | null;
  newest: number | null;
  dbBytes: number;
}

export interface ProjectCount {
  project: string;
  /** Memories of any status under this key. */
  count: number;
}

/** Another name a project's memories were stored under (an old path key), and the project's key now. */
export interface ProjectAlias {
  alias: string;
  project: string;
}

/** What `check()` found; a count or the schema version is -1 when it could not be read (`ftsErrors` says why). */
export interface IntegrityReport {
  schemaVersion: number;
  integrity: string[];
  ftsErrors: string[];
  /** Why FTS5's own check could not run (another process held the lock): not a fault of the index. */
  ftsUnchecked?: string;
  ftsMissing: number;
  ftsOrphans: number;
  tagMismatches: number;
}

export interface TransactionOptions {
  /**
   * A long bulk write (an import): the page cache grows for its duration (bounded, see sqlite-store.ts), so the
   * index pages it keeps changing stay in memory instead of being written out and read back.
   */
  bulk?: boolean;
}

export interface Store {
  /** Where the data lives (":memory:" for tests). */
  readonly location: string;
  /** How stored values are encoded: plain, or encrypted under the user's key (content-codec.ts). */
  readonly codec: ContentCodec;
  /** Per-model embedding vectors (src/store/vectors.ts). */
  readonly vectors: VectorStore;
  /** Retention rules, legal holds and the sweep's marks (src/store/policy-sql.ts). */
  readonly policy: PolicyStore;
  /** Runs `fn` as one write transaction (all or nothing), retrying politely when other processes hold the lock. */
  transaction<T>(fn: () => T, opts?: TransactionOptions): T;
  insert(memory: Memory): void;
  /** Writes every field of an existing memory (matched by id), keeping the index and tags in step. */
  replace(memory: Memory): void;
  /** Deletes a memory and everything derived from it: index entries, vectors, edges, tags. */
  purge(id: string): void;
  /** Erases the text kept in memory `id`'s audit entries (old versions, details); hashes and times stay. */
  eraseHistory(id: string): void;
  /** What the last purge's commit left on disk (null before any purge by this store). */
  lastScrub(): ScrubOutcome | null;
  /** A purge (by any process) whose old copies still wait in the WAL, or null. */
  pendingErasure(): PendingErasure | null;
  /** Finishes a pending erasure when readers allow it; complete when none remains. */
  finishErasure(): ScrubOutcome;
  get(id: string): Memory | null;
  /** Ids starting with `prefix` (at most `limit`). */
  idsWithPrefix(prefix: string, limit: number): string[];
  /** Ids whose last 8 characters are one of `tails` (the random end of a UUIDv7; see engine/ids.ts). */
  idsWithTail(tails: readonly string[]): string[];
  /** Ids whose last 8 characters start with `start` (at most `limit`); reads every id. */
  idsWithTailStart(start: string, limit: number): string[];
  /** A memory of `status` (default active) in the same scope with the same exact or canonical content. */
  findDuplicate(project: string | null, contentHash: string, canonicalHash: string, status?: "active" | "superseded"): Memory | null;
  list(filter: MemoryFilter, now: number, options: ListOptions): Memory[];
  /**
   * Every memory `filter` passes, oldest (or newest) first by creation, read `page` at a time: the order is
   * settled once, by key, so the walk costs one pass whatever the store's size (export). A memory changed
   * meanwhile is read as it is then, one deleted or no longer passing is left out, one added is not listed.
   */
  listAll(filter: MemoryFilter, now: number, order: "oldest" | "newest", page?: number): Generator<Memory>;
  /** Every project key that holds memories (any status), most memories first. */
  projects(): ProjectCount[];
  /** Every project key that holds memories (any status), without counting them. */
  projectKeys(): string[];
  projectAliases(): ProjectAlias[];
  count(filter: MemoryFilter, now: number): number;
  /**
   * For each given memory that has a session: the memories written just before and after it in that
   * session (by creation time, then insertion order), whichever status they have.
   */
  sessionNeighbours(ids: readonly string[]): Map<string, { prev: string | null; next: string | null }>;
  /** Full-text search; `match` must already be a safe FTS5 expression. */
  searchText(match: string, filter: MemoryFilter, now: number, limit: number): TextHit[];
  /**
   * {@link searchText}, off the caller's thread where the store runs a search thread. `terms`, when given (the
   * match's terms, each a safe expression), lets the store search their OR without the terms most memories
   * contain (common-terms.ts), counted where the search runs.
   */
  searchTextSoon(match: string, filter: MemoryFilter, now: number, limit: number, terms?: readonly string[]): Promise<TextHit[]>;
  /** The memories among `ids` that pass `filter`, in no particular order. */
  getMany(ids: readonly string[], filter: MemoryFilter, now: number): Memory[];
  /**
   * How many memories exist, and how many each safe FTS5 expression matches (all statuses and scopes): at most
   * `upTo` when given, which costs that many matches instead of all (whether any memory holds a word: `upTo` 1);
   * `tokens`: all memories' tokens (every column), when the index's totals are readable.
   */
  termStats(matches: readonly string[], upTo?: number): { docs: number; counts: number[]; tokens?: number };
  /**
   * For each safe FTS5 expression in `matches`, whether a memory of `scope` (any status) matches it; bounded, so
   * an expression that very many memories of other projects match counts as matched.
   */
  matchedIn(matches: readonly string[], scope: Scope): boolean[];
  /** Records that memories were read (access count and time); skipped, said once, where writes are refused. */
  touch(ids: readonly string[], now: number): void;
  /** Why writes fail before they start (a read-only file or disk, or a disk full at open), or null. */
  writeRefusal(): Error | null;
  appendAudit(entry: AuditEntry): void;
  /** Links two existing memories; false when that exact link already exists. */
  addEdge(edge: Edge): boolean;
  /** Sets the metadata of the existing link `edge` names (from, to, relation); false when there is no such link. */
  setEdgeMetadata(edge: Edge): boolean;
  /** Every link from or to memory `id`. */
  edges(id: string): Edge[];
  /** The links of each of the memories `ids`, either direction (recall's graph hops). */
  links(ids: readonly string[]): Link[];
  history(id: string): AuditEntry[];
  /** The audit chain's end: entries, last sequence number and hash (to anchor elsewhere). */
  auditHead(): AuditHead;
  /** Walks the audit chain; with `anchor`, also proves the log still holds that earlier head. */
  verifyAudit(anchor?: { seq: number; hash: string }): ChainReport;
  /** Audit entries, newest first, filtered by memory, operation, actor and time. */
  auditLog(query: AuditQuery): AuditRecord[];
  /**
   * Memory ids the audit log names that start with `part`, or end with it (at most `limit`): a purged memory's
   * id as people type it. The ends are read from every entry, so only when nothing stored matched.
   */
  loggedIds(part: string, limit: number): string[];
  stats(now: number): StoreStats;
  /** Memories created per UTC day and type (every status), oldest day first. */
  createdByDay(): DayCount[];
  check(): IntegrityReport;
  /**
   * Measures tables for the query planner where they grew or never were (planner-stats.ts); false when it
   * could not (busy, read-only). For quiet moments and after bulk writes.
   */
  refreshPlannerStats(): boolean;
  close(): void;
}
