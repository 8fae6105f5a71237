/**
 * @module A store's keyword searches: FTS5 BM25 through the safe match, on the store's own connection or, in a
 * long-lived process, on the search thread (search-thread.ts: its own connection and, for a plain store, an
 * in-memory copy of the index, which it also writes to a file one-shot processes rank from when many memories
 * match). Each filter's pass rate is remembered (fts.ts), and the very common terms are dropped first where the
 * search runs (common-terms.ts). The store keeps the connection, the codec and the index rows waiting to be
 * written; this module only reads.
 */
import type { Database } from "bun:sqlite";
import type { MemoryFilter, Scope } from "../domain/memory.ts";
import type { ContentCodec } from "./content-codec.ts";
import { filterToSql, projectScopeOf } from "./filter-sql.ts";
import { type ftsSearch, ftsSearchTerms, type KeywordRequest, type PassRate, PassRates } from "./fts.ts";
import { rowToMemory } from "./rows.ts";
import type { SearchThread } from "./search-thread.ts";
import type { TextHit } from "./store.ts";
import { indexTotals, matchedIn, termStats } from "./term-stats.ts";
import type { TextIndex } from "./text-index.ts";
import { closeTextIndexFile, keywordIndexPath, openTextIndexFile } from "./text-index-file.ts";
import { indexFileState } from "./index-file-io.ts";
import { searchIndexed } from "./text-index-rank.ts";

/**
 * Memories changed since the keyword index file was written that a one-shot search re-reads before ranking from
 * it (each through a scratch FTS5 table); past that FTS5 ranks until a long-lived process writes the file again.
 */
const FILE_MAX_CHANGED = 2_000;

/**
 * From how many matches a one-shot search ranks from the keyword index file; fewer, and FTS5's bm25() ranks them.
 * Measured once ranking went document at a time (session 36; cold `cairn recall --mode keyword`, 12 generated
 * queries × 3, binaries interleaved, identical output): 2,000 instead of 20,000 took medians at 100k memories
 * 42.3 → 37.6 ms and at 1M 58.2 → 53.5 ms, at 30k 34–37 ms either way; 1,000 and 5,000 gained less at 100k.
 */
const FILE_RANKS_FROM = 2_000;

/** A store is searched through the file from this many times the matches a search ranks from it. */
const FILE_FROM_STORE = 10;

/** The fewest memories a one-shot search reads the keyword index file for (and the background worker writes it for). */
export const KEYWORD_FILE_FROM = FILE_FROM_STORE * FILE_RANKS_FROM;

/** What keyword search needs of its store. */
export interface KeywordSearchHost {
  readonly location: string;
  /** The connection (reopened first if the file was replaced), with the index rows waiting in it written. */
  db(): Database;
  codec(): ContentCodec;
  /** Moves whenever the connection was reopened (live-db.ts). */
  generation(): number;
}

/** The request field that lets the search thread read an encrypted store's rows (nothing for a plain store). */
function threadKey(codec: ContentCodec): { key?: Uint8Array } {
  const key = codec.threadKey();
  return key ? { key } : {};
}

export class KeywordSearch {
  readonly #host: KeywordSearchHost;
  /** What searches learned of their filters. */
  readonly #passRates = new PassRates();
  /** Where {@link searchOnThread} runs searches, when the store has one and it has not failed. */
  #thread: SearchThread | null;
  /** From how many matches {@link search} ranks from the keyword index file (FTS5 ranks fewer faster). */
  readonly #fileFrom: number;
  /** The keyword index file of {@link search}, opened at its first search for the connection's generation. */
  #file: { generation: number; path: string | null; index: TextIndex | null } | undefined;
  /** Set when {@link search} wanted the file and could not use it (see {@link fileWanted}). */
  #wanted = false;

  constructor(host: KeywordSearchHost, thread: SearchThread | null, fileFrom = FILE_RANKS_FROM) {
    this.#host = host;
    this.#thread = thread;
    this.#fileFrom = fileFrom;
    // The in-memory index is built in the background from now, not at the first search.
    thread?.prepare({ path: host.location, generation: host.generation(), ...threadKey(host.codec()) });
  }

  /** Whether searches run on the search thread now. */
  get threaded(): boolean {
    return this.#thread !== null;
  }

  /**
   * Whether a search here, in a store large enough to rank from the keyword index file, found none it could use:
   * absent, of another format version (an earlier cairn's), damaged, or too far behind. Then the data
   * directory's background worker should write it (a one-shot process starts it as it exits).
   */
  get fileWanted(): boolean {
    return this.#wanted;
  }

  /** `terms`, when given: as {@link searchOnThread}'s. */
  search(match: string, filter: MemoryFilter, now: number, limit: number, terms?: readonly string[]): TextHit[] {
    const db = this.#host.db();
    const codec = this.#host.codec();
    const where = filterToSql(filter, now, codec);
    const seen = this.#passRates.of(where.key);
    const safe = { match: codec.indexQuery(match), terms: terms?.map((t) => codec.indexQuery(t)), where, limit };
    const hits = this.#searchFile(db, safe, seen) ?? ftsSearchTerms(db, safe, seen);
    return hits.map((h) => ({ memory: rowToMemory(h.row, codec), score: -h.rank }));
  }

  /**
   * The search through the keyword index file a long-lived process or the background worker wrote
   * (text-index-file.ts), for a plain store searched here rather than on a thread (a one-shot process): the
   * terms counted from it, and when they match many memories ranked from it (the same rows, in the same order,
   * as FTS5's, without its bm25() over every match). Null when there is no usable file, it is too far behind, or
   * it fails a check; then FTS5 counts and ranks, and the file is not tried again in this process.
   */
  #searchFile(db: Database, req: KeywordRequest, seen: PassRate): ReturnType<typeof ftsSearch> | null {
    // Inside a transaction the log holds this transaction's own entries, which a rollback would take back after
    // the index had applied them: such searches go to FTS5.
    if (this.#thread !== null || db.inTransaction) return null;
    // In a smaller store few searches match that many: opening and counting from the file then only adds
    // (~2 ms at 100k memories, where FTS5 ranks almost every search anyway).
    if ((indexTotals(db)?.rows ?? 0) < FILE_FROM_STORE * this.#fileFrom) return null;
    const generation = this.#host.generation();
    if (this.#file === undefined || this.#file.generation !== generation) {
      if (this.#file?.index) closeTextIndexFile(this.#file.index);
      const path = keywordIndexPath(this.#host.location);
      this.#file = { generation, path, index: path ? openTextIndexFile(path, indexFileState(db).epoch, { oneShot: true }) : null };
    }
    const { path, index } = this.#file;
    if (!index) {
      // A database in memory has no place for a file.
      this.#wanted = path !== null;
      return null;
    }
    let damaged = false;
    try {
      const hits = searchIndexed(db, index, FILE_MAX_CHANGED, req, seen, this.#fileFrom, this.#host.codec());
      if (hits !== "stale") return hits;
    } catch {
      // unreadable or damaged: FTS5 from now on, and the file removed for the worker to write again
      damaged = true;
    }
    closeTextIndexFile(index, damaged ? { path: path! } : undefined);
    this.#file = { generation, path, index: null };
    this.#wanted = true;
    return null;
  }

  /**
   * {@link search} on the search thread, so the caller's thread can do other work meanwhile (the same rows, in
   * the same order); null when there is none, inside a transaction (the thread sees only committed rows) or once
   * the thread failed: then the caller searches here, a failure there costing speed, never results. `terms`
   * (the match's terms, each a safe expression) lets the search drop those most memories contain, counted where
   * it runs.
   */
  async searchOnThread(match: string, filter: MemoryFilter, now: number, limit: number, terms?: readonly string[]): Promise<TextHit[] | null> {
    const thread = this.#thread;
    const db = this.#host.db(); // reopened first if the file was replaced, so the generation below is current
    if (thread === null || db.inTransaction) return null;
    const codec = this.#host.codec();
    const where = filterToSql(filter, now, codec);
    const seen = this.#passRates.of(where.key);
    const request = {
      path: this.#host.location,
      generation: this.#host.generation(),
      match: codec.indexQuery(match),
      terms: terms?.map((t) => codec.indexQuery(t)),
      where,
      limit,
      rate: seen.rate,
      measured: seen.measured ?? false,
      indexed: true,
      ...threadKey(codec),
    };
    const reply = await thread.searchOrClose(request);
    if (reply === null) {
      if (this.#thread === thread) this.#thread = null;
      return null;
    }
    Object.assign(seen, { rate: reply.rate, measured: reply.measured });
    return reply.hits.map((h) => ({ memory: rowToMemory(h.row, codec), score: -h.rank }));
  }

  /** How many memories the index holds, and how many (at most `upTo`) each safe expression in `matches` matches. */
  termStats(matches: readonly string[], upTo?: number): { docs: number; counts: number[]; tokens?: number } {
    const codec = this.#host.codec();
    return termStats(this.#host.db(), matches.map((m) => codec.indexQuery(m)), upTo);
  }

  /** Whether a memory `scope` passes matches each safe expression in `matches` (term-stats.ts matchedIn). */
  matchedIn(matches: readonly string[], scope: Scope): boolean[] {
    const codec = this.#host.codec();
    const stored = projectScopeOf({ scope }, codec);
    return matches.map((m) => matchedIn(this.#host.db(), codec.indexQuery(m), stored));
  }

  close(): void {
    this.#thread?.close();
    this.#thread = null;
    if (this.#file?.index) closeTextIndexFile(this.#file.index);
    this.#file = undefined;
  }
}
