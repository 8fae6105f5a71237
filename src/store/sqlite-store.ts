/** @module The SQLite implementation of {@link Store} on bun:sqlite. */
import type { Database } from "bun:sqlite";
import type { Edge } from "../domain/edge.ts";
import type { Memory, MemoryFilter, Scope } from "../domain/memory.ts";
import { appendAudit, auditHistory, auditLog, eraseAuditContent, loggedIds, sealedAuditProblem } from "./audit.ts";
import { auditKeyState, notedUnchecked } from "./audit-key.ts";
import { memoryAuditProblem } from "./audit-memories.ts";
import { auditHead, verifyChain } from "./audit-chain.ts";
import { repairsInLog, withRepairs } from "./salvage-audit.ts";
import { type ContentCodec, PLAIN_CODEC, logSeal } from "./content-codec.ts";
import { assertKeyCheck, type EncryptionRecord, readEncryption } from "./encryption-record.ts";
import { assertKeyUnchanged, ReadKeyCheck } from "./checked-write.ts";
import { type CodecOptions, codecAtOpen, codecBeforeUpgrade } from "./open-codec.ts";
import { recode, type RecodeProgress, type RecodeReport } from "./recode.ts";
import { CACHE_KIB, isBusy, leaveMapToReader, withLockWait, writeTransaction } from "./db.ts";
import { LiveDatabase, type LiveOptions } from "./live-db.ts";
import { CairnError, cairnError } from "../errors.ts";
import { writeFailure } from "./write-access.ts";
import { sealLogsOf } from "../log-file.ts";
import { filterToSql, rowsById } from "./filter-sql.ts";
import { refreshPlannerStats } from "./planner-stats.ts";
import { edgesOf, insertEdge, type Link, linksOf, updateEdgeMetadata } from "./edges.ts";
import { duplicateRow } from "./canonical-prefix.ts";
import { FtsBatch, ftsDelete, ftsInsert } from "./fts.ts";
import { KeywordSearch } from "./keyword-search.ts";
import { AccessCounts } from "./access-counts.ts";
import { prefetch } from "./prefetch.ts";
import { allMatching, countMatching, listMatching } from "./list-sql.ts";
import { projectAliases, projectCounts, projectKeys } from "./project-keys.ts";
import { idsWithPrefix, idsWithTail, idsWithTailStart } from "./id-lookup.ts";
import { checkIntegrity } from "./integrity.ts";
import { openMigrated } from "./migrations.ts";
import { INSERT_SQL, MEMORY_COLUMNS, type MemoryRow, memoryValues, UPDATE_SQL, rowToMemory, storedTag } from "./rows.ts";
import { markScrubOwed } from "./pending-erasure.ts";
import { erasureLeft, finishErasure, settleAfterWrite } from "./erasure-settle.ts";
import { collectStats, createdByDay } from "./stats.ts";
import type { PendingErasure, ScrubOutcome, AuditEntry, AuditHead, AuditQuery, AuditRecord, ChainReport, IntegrityReport, ListOptions, TransactionOptions, ProjectAlias, ProjectCount, Store, StoreStats, DayCount, TextHit } from "./store.ts";
import { removeIndexFiles } from "./vector-file.ts";
import { SqliteVectors } from "./vectors.ts";
import { SqlitePolicy } from "./policy-sql.ts";
import { SqliteSyncLog } from "./sync-log.ts";
import { SearchThread, threadFor } from "./search-thread.ts";
import { sessionNeighbours } from "./neighbours.ts";
import { onDisk } from "./db-path.ts";

/**
 * The page cache of a bulk transaction, in SQLite's negative-KiB form: 128 MB. A 1M-line import changes pages
 * all over its indexes (hashes and ids arrive in no order); with the default 16 MB most were spilled to the WAL
 * and read back again (measured at 40k lines: 12% less CPU). Peak RSS stays well under 400 MB.
 */
const BULK_CACHE_KIB = -128_000;

export interface StoreOptions extends LiveOptions, CodecOptions {
  /**
   * Bounds every write's wait for another process's lock: one attempt, then DB_BUSY. For callers on a clock
   * (hooks): SQLite's wait is synchronous, so the default (10 s, retried) would stall a whole process.
   */
  writeWaitMs?: number;
  /**
   * Bounds every wait for another process's lock, reads and the open included: one attempt, then DB_BUSY.
   * For callers on a clock (hooks), which would otherwise wait up to 10 s where no timer of theirs can fire.
   */
  lockWaitMs?: number;
  /**
   * Leave a long upgrade of an older schema to another process (migrations.ts openMigrated): DB_UPGRADE_PENDING
   * instead. For hooks, whose deadline no timer can enforce while a migration runs.
   */
  deferUpgrade?: boolean;
  /**
   * Run keyword searches on a second thread (search-thread.ts) when the database file is at least this many
   * bytes at open: for long-lived processes, which search often ({@link SEARCH_THREAD_FROM}).
   */
  searchThreadFrom?: number;
  /**
   * A keyword search here (not on a search thread) ranks from the keyword index file when its terms match at
   * least this many matches (keyword-search.ts).
   */
  keywordFileFrom?: number;
}

export class SqliteStore implements Store {
  readonly location: string;
  readonly vectors: SqliteVectors;
  readonly policy: SqlitePolicy;
  /** Team sync's local tables: outbox, versions, cursor (src/store/sync-log.ts; used by src/sync/). */
  readonly sync: SqliteSyncLog;
  /** The connection, reopened when the file under it is replaced or deleted (see live-db.ts). */
  readonly #live: LiveDatabase;
  /** Set by purge; the physical scrub runs once the purging transaction has committed. */
  #scrubPending = false;
  #lastScrub: ScrubOutcome | null = null;
  readonly #access: AccessCounts;
  readonly #writeWaitMs: number | undefined;
  /** How this store's values are stored: set by the first open, checked again at every reopen. */
  #codec: ContentCodec = PLAIN_CODEC;
  /** Where the key came from ("CAIRN_KEY", "the key file …"); null for a plain store. */
  keySource: string | null = null;
  #opened = false;
  /** Index rows of memories inserted in the current store transaction, written before it commits (fts.ts). */
  readonly #fts = new FtsBatch();
  /** True while a transaction begun by {@link transaction} runs: only then may index rows wait. */
  #ownTransaction = false;
  /** Keyword searches, here or on the search thread (keyword-search.ts). */
  readonly #keyword: KeywordSearch;

  /**
   * Opens the database at `path` (":memory:" for a throwaway one) and migrates it to the latest schema.
   * Long-lived processes pass `verifyBeforeWrite` (a quick check before their first write).
   */
  constructor(path: string, opts: StoreOptions = {}) {
    this.location = path;
    this.#writeWaitMs = opts.writeWaitMs;
    this.#live = new LiveDatabase(path, (p) => this.#openChecked(p, opts), opts);
    this.vectors = new SqliteVectors(this.#live, this.#codec, this.#reads);
    this.policy = new SqlitePolicy(this.#live, this.#codec);
    this.sync = new SqliteSyncLog(this.#live, this.#codec);
    this.#access = new AccessCounts({ live: this.#live, read: () => this.#db, location: path, writeWaitMs: opts.writeWaitMs, changes: this.vectors.accessChanges });
    // Started once the file opened (a store that failed to open leaves no thread behind); reopens give the map up in #openChecked.
    const thread = threadFor(path, opts.searchThreadFrom) ? SearchThread.start() : null;
    if (thread) leaveMapToReader(this.#live.current);
    const host = {
      location: path,
      db: () => {
        const db = this.#db;
        this.#fts.flush(db);
        return db;
      },
      codec: () => this.#codec,
      generation: () => this.#live.generation,
    };
    this.#keyword = new KeywordSearch(host, thread, opts.keywordFileFrom);
  }

  /**
   * Opens and migrates the file, and settles the codec: on the first open from the store's encryption record
   * and the key (a wrong or missing key fails here, before anything is read or written, an older schema's before
   * its upgrade); on a reopen (the file replaced) the record must still match, or the old key would write.
   */
  #openChecked(path: string, opts: StoreOptions): Database {
    const early: { found: ReturnType<typeof codecBeforeUpgrade> } = { found: null };
    const beforeUpgrade = this.#opened ? undefined : (old: Database) => void (early.found = codecBeforeUpgrade(old, path, opts));
    const db = openMigrated(path, { readOnly: opts.readOnly === true, lockWaitMs: opts.lockWaitMs, deferUpgrade: opts.deferUpgrade, beforeUpgrade });
    if (this.#keyword?.threaded) leaveMapToReader(db); // undefined in the constructor's first open
    try {
      if (!this.#opened) {
        if (early.found) assertKeyCheck(db, early.found.codec.keyCheck, path);
        ({ codec: this.#codec, source: this.keySource } = early.found ?? codecAtOpen(db, path, opts));
        sealLogsOf(path, logSeal(this.#codec));
        this.#opened = true;
      } else assertKeyCheck(db, this.#codec.keyCheck, path);
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  }

  /**
   * Re-encodes every stored value from this store's codec to `to` and records `record` (null: plain), in one
   * transaction (recode.ts). The store must not be used afterwards: close it and open the result anew.
   */
  recode(to: ContentCodec, record: EncryptionRecord | null, progress?: RecodeProgress): RecodeReport {
    const report = recode(this.#live.write(), this.#codec, to, record, progress);
    // The index files are plain or sealed as the old codec was (a plain keyword file holds words in the clear): gone
    // with it (the worker or `cairn models reindex` writes them anew). Logs are sealed as recode.ts re-sealed them.
    removeIndexFiles(this.location);
    sealLogsOf(this.location, logSeal(to));
    return report;
  }

  /** The codec values are stored with. */
  get codec(): ContentCodec {
    return this.#codec;
  }

  /** The encryption record (with the store id before its last rotation), or null for a plain store. */
  encryption(): EncryptionRecord | null {
    return readEncryption(this.#db, { before: true });
  }

  /** The raw connection, for migration tests and diagnostics only. */
  get database(): Database {
    return this.#live.read();
  }

  readonly #reads = new ReadKeyCheck();

  /** Throws KEY_CHANGED once another process encrypted, decrypted or re-keyed the store this one has open. */
  checkKey(): void {
    void this.#db;
  }

  /** The connection for a read (checked against the file outside transactions, and the key: ReadKeyCheck). */
  get #db(): Database {
    return this.#reads.connection(this.#live, this.#codec.keyCheck);
  }

  transaction<T>(fn: () => T, opts: TransactionOptions = {}): T {
    if (this.#live.current.inTransaction) return fn();
    const db = this.#live.write();
    if (opts.bulk) db.run(`PRAGMA cache_size = ${BULK_CACHE_KIB}`);
    const checked = () => {
      assertKeyUnchanged(db, this.#codec.keyCheck, this.location);
      this.#ownTransaction = true;
      try {
        const out = fn();
        this.#fts.flush(db);
        return out;
      } finally {
        this.#ownTransaction = false;
        this.#fts.clear();
      }
    };
    let result: T;
    try {
      result = this.#writeWaitMs === undefined ? writeTransaction(db, checked) : this.#boundedWrite(db, checked, this.#writeWaitMs);
    } finally {
      if (opts.bulk) db.run(`PRAGMA cache_size = ${CACHE_KIB}`);
    }
    // Also a rewrite another process's erasure owes: killed after its commit, it never made it (QA).
    const settled = settleAfterWrite(db, this.location, this.#scrubPending);
    if (settled) [this.#scrubPending, this.#lastScrub] = [false, settled];
    return result;
  }

  #boundedWrite<T>(db: Database, fn: () => T, waitMs: number): T {
    try {
      return withLockWait(db, waitMs, () => db.transaction(fn).immediate());
    } catch (err) {
      if (isBusy(err)) throw cairnError("DB_BUSY", [waitMs], err);
      // A read-only or full disk reads as such here too, as in writeTransaction.
      throw writeFailure(err, db.filename) ?? err;
    }
  }

  insert(m: Memory): void {
    this.transaction(() => {
      // run() + the connection's last rowid: RETURNING made each insert ~30% dearer (bulk imports feel it).
      const seq = Number(this.#db.query(INSERT_SQL).run(m.id, m.createdAt, ...memoryValues(this.#codec, m)).lastInsertRowid);
      if (this.#ownTransaction) this.#fts.add(this.#db, seq, m, this.#codec);
      else ftsInsert(this.#db, seq, m, this.#codec);
      this.#writeTags(seq, m.tags);
    });
  }

  replace(m: Memory): void {
    this.transaction(() => {
      const old = this.#row(m.id);
      if (!old) throw new Error(`replace: memory ${m.id} does not exist`);
      this.#fts.flushFor(this.#db, old.seq);
      const before = rowToMemory(old, this.#codec);
      this.#db
        .query(UPDATE_SQL)
        .run(...memoryValues(this.#codec, m), old.seq);
      const tagsChanged = JSON.stringify(before.tags) !== JSON.stringify(m.tags);
      if (before.contentHash !== m.contentHash || tagsChanged) {
        ftsDelete(this.#db, old.seq);
        ftsInsert(this.#db, old.seq, m, this.#codec);
      }
      // Vectors describe the old text; they are recomputed by the embedding pipeline, never reused.
      if (before.contentHash !== m.contentHash) this.#db.query("DELETE FROM vectors WHERE memory_seq = ?").run(old.seq);
      if (tagsChanged) {
        this.#db.query("DELETE FROM memory_tags WHERE memory_seq = ?").run(old.seq);
        this.#writeTags(old.seq, m.tags);
      }
    });
  }

  purge(id: string): void {
    this.transaction(() => {
      const old = this.#row(id);
      if (!old) return;
      this.#fts.flushFor(this.#db, old.seq);
      ftsDelete(this.#db, old.seq);
      // vectors, edges and tags go with the row (ON DELETE CASCADE).
      this.#db.query("DELETE FROM memories WHERE seq = ?").run(old.seq);
      // Index files may hold its vector: writers that read before this must not publish (vector-file.ts).
      this.#db.run("UPDATE vector_index_state SET value = value + 1 WHERE key = 'erase'");
      eraseAuditContent(this.#db, id);
      this.#owesScrub();
    });
  }

  eraseHistory(id: string): void {
    this.transaction(() => {
      eraseAuditContent(this.#db, id);
      this.#owesScrub(); // the erased texts' old pages are overwritten once this commits
    });
  }

  /** The index rewrite after this transaction's commit, recorded in it too, for a process killed before the rewrite. */
  #owesScrub(): void {
    markScrubOwed(this.#db, Date.now());
    this.#scrubPending = true;
  }

  lastScrub(): ScrubOutcome | null {
    return this.#lastScrub;
  }

  pendingErasure(): PendingErasure | null {
    return erasureLeft(this.#db, this.location);
  }

  finishErasure(): ScrubOutcome {
    return finishErasure(this.#db, () => this.#live.write(), this.location);
  }

  get(id: string): Memory | null {
    const row = this.#row(id);
    return row ? rowToMemory(row, this.#codec) : null;
  }

  idsWithPrefix(prefix: string, limit: number): string[] {
    return idsWithPrefix(this.#db, prefix, limit);
  }

  idsWithTail(tails: readonly string[]): string[] {
    return idsWithTail(this.#db, tails);
  }

  idsWithTailStart(start: string, limit: number): string[] {
    return idsWithTailStart(this.#db, start, limit);
  }

  findDuplicate(project: string | null, contentHash: string, canonicalHash: string, status: "active" | "superseded" = "active"): Memory | null {
    const row = duplicateRow(this.#db, this.#codec, project, contentHash, canonicalHash, status);
    return row ? rowToMemory(row, this.#codec) : null;
  }

  list(filter: MemoryFilter, now: number, options: ListOptions): Memory[] {
    return listMatching(this.#db, filter, now, this.#codec, options).map((r) => rowToMemory(r, this.#codec));
  }

  *listAll(filter: MemoryFilter, now: number, order: "oldest" | "newest", page = 1000): Generator<Memory> {
    for (const row of allMatching(this.#db, filter, now, this.#codec, order, page)) yield rowToMemory(row, this.#codec);
  }

  count(filter: MemoryFilter, now: number): number {
    return countMatching(this.#db, filter, now, this.#codec);
  }

  sessionNeighbours(ids: readonly string[]): Map<string, { prev: string | null; next: string | null }> {
    return sessionNeighbours(this.#db, ids);
  }

  /** `terms`, when given: as {@link searchTextSoon}'s. */
  searchText(match: string, filter: MemoryFilter, now: number, limit: number, terms?: readonly string[]): TextHit[] {
    return this.#keyword.search(match, filter, now, limit, terms);
  }

  /** Whether keyword searches run on the search thread now (see {@link StoreOptions.searchThreadFrom}). */
  get searchesOnThread(): boolean {
    return this.#keyword.threaded;
  }

  /**
   * Whether a keyword search of this process wanted the keyword index file and found none it could use, in a
   * store that takes writes: the background worker writes it (a one-shot command starts the worker as it exits).
   */
  get keywordFileWanted(): boolean {
    return this.#keyword.fileWanted && this.#live.refusal === null;
  }

  /** {@link searchText} off the caller's thread when this store has a search thread (keyword-search.ts). */
  async searchTextSoon(match: string, filter: MemoryFilter, now: number, limit: number, terms?: readonly string[]): Promise<TextHit[]> {
    void this.#db; // the key check: the search thread's answer is read in this process's encoding
    return (await this.#keyword.searchOnThread(match, filter, now, limit, terms)) ?? this.searchText(match, filter, now, limit, terms);
  }

  getMany(ids: readonly string[], filter: MemoryFilter, now: number): Memory[] {
    return rowsById(this.#db, ids, filterToSql(filter, now, this.#codec)).map((r) => rowToMemory(r, this.#codec));
  }

  termStats(matches: readonly string[], upTo?: number): { docs: number; counts: number[]; tokens?: number } {
    return this.#keyword.termStats(matches, upTo);
  }

  matchedIn(matches: readonly string[], scope: Scope): boolean[] {
    return this.#keyword.matchedIn(matches, scope);
  }

  touch(ids: readonly string[], now: number): void {
    this.#access.record(ids, now);
  }

  writeRefusal(): CairnError | null {
    return this.#live.refusal;
  }

  appendAudit(entry: AuditEntry): void {
    appendAudit(this.#db, entry, this.#codec);
  }

  addEdge(edge: Edge): boolean {
    return this.transaction(() => insertEdge(this.#db, edge));
  }

  setEdgeMetadata(edge: Edge): boolean {
    return this.transaction(() => updateEdgeMetadata(this.#db, edge));
  }

  edges(id: string): Edge[] {
    return edgesOf(this.#db, id);
  }

  links(ids: readonly string[]): Link[] {
    return linksOf(this.#db, ids);
  }

  history(id: string): AuditEntry[] {
    return auditHistory(this.#db, id, this.#codec);
  }

  auditHead(): AuditHead {
    return auditHead(this.#db);
  }

  verifyAudit(anchor?: { seq: number; hash: string }): ChainReport {
    const chain = withRepairs(verifyChain(this.#db, anchor), repairsInLog(this.#db, this.#codec), anchor);
    const found: { seq: number; problem: string; memory?: string; policy?: string } | null = chain.ok ? (sealedAuditProblem(this.#db, this.#codec) ?? memoryAuditProblem(this.#db, this.#codec) ?? this.policy.auditProblem()) : null;
    return found ? { ok: false, head: chain.head, checked: found.memory || found.policy ? chain.checked : found.seq - 1, brokenAt: found.seq, problem: found.problem, ...(found.memory ? { memory: found.memory } : {}), ...(found.policy ? { policy: found.policy } : {}) } : notedUnchecked(chain, () => this.auditKeyState());
  }

  /** Whether `audit.key` is the key this log's hashes were keyed with (audit-key.ts auditKeyState). */
  auditKeyState(): ReturnType<typeof auditKeyState> {
    return this.#codec.encrypted ? "unknown" : auditKeyState(this.#db, this.location);
  }

  auditLog(query: AuditQuery): AuditRecord[] {
    return auditLog(this.#db, query, this.#codec);
  }

  loggedIds(part: string, limit: number): string[] {
    return loggedIds(this.#db, part, limit);
  }

  projects(): ProjectCount[] {
    return projectCounts(this.#db, this.#codec);
  }

  projectKeys(): string[] {
    return projectKeys(this.#db, this.#codec);
  }

  projectAliases(): ProjectAlias[] {
    return projectAliases(this.#db, this.#codec);
  }

  stats(now: number): StoreStats {
    return collectStats(this.#db, now, this.#codec);
  }

  createdByDay(): DayCount[] {
    return createdByDay(this.#db);
  }

  check(): IntegrityReport {
    this.#fts.flush(this.#db);
    return checkIntegrity(this.#db, onDisk(this.location) ? this.location : undefined);
  }

  /** Reads the index and rows into the page cache (for long-lived processes, once at start). */
  prefetch(): void {
    prefetch(this.#db);
  }

  /**
   * Runs the integrity check that `verifyBeforeWrite` does before the first write, now: long-lived processes
   * call it once quiet, so neither a write nor the access counts of a recall wait for it later.
   */
  checkIntegrityNow(): void {
    this.#live.checkNow();
  }

  /** Whether the check before the first write has a verdict for this connection (or none is asked for). */
  get integrityChecked(): boolean {
    return this.#live.checked;
  }

  refreshPlannerStats(): boolean {
    return refreshPlannerStats(this.#db);
  }

  close(): void {
    this.#keyword.close();
    this.#live.close();
  }

  #row(id: string): MemoryRow | null {
    return this.#db.query(`SELECT ${MEMORY_COLUMNS} FROM memories m WHERE m.id = ?`).get(id) as MemoryRow | null;
  }

  #writeTags(seq: number, tags: readonly string[]): void {
    const stmt = this.#db.query("INSERT OR IGNORE INTO memory_tags (tag, memory_seq) VALUES (?, ?)");
    for (const tag of tags) stmt.run(storedTag(this.#codec, tag), seq);
  }
}
