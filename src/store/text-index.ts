/**
 * @module The full-text index held in memory by a long-lived process, ranking exactly as FTS5's `bm25()`. FTS5
 * spends ~1.3 µs on each matching document of a search (its auxiliary function re-reads the row's instances
 * and size): a three-word query over common words at 100k memories ranks 8–19k matches (~6 ms), at 1M ~125k
 * (~100 ms). Here a term's documents are a compact list of (seq, weighted frequency) pairs and the score is a
 * few arithmetic operations per pair.
 *
 * The numbers are FTS5's own: the terms and their instances come from the index itself (fts5vocab, so no
 * tokenizer is re-implemented), the document sizes from its docsize table, the row count and token total from
 * its averages record, and the formula and its order of operations are those of `fts5Bm25Function` (sqlite
 * ext/fts5/fts5_aux.c): idf = ln((N − n + 0.5) / (n + 0.5)), 1e-6 when not positive; per phrase
 * idf · (f · (k1 + 1)) / (f + k1 · (1 − b + b · D / avgdl)), summed in the query's phrase order, negated.
 *
 * Documents changed since the build (text-log.ts) are masked in the lists and held in a small overlay, their
 * terms read the same way from a scratch FTS5 table with the same tokenizer (text-index-source.ts).
 *
 * Each document's project, as built, lets a search in some projects leave the others' documents out before
 * they are scored and merged (a search in one project of eight at 1M memories ranked ~100k matches to keep a
 * quarter). Only documents the filter's SQL would reject are left out: a changed document's project is not
 * known here (project changes are logged like text changes), and those are kept for the SQL to decide.
 */
import type { IndexTotals } from "./term-stats.ts";
import type { LogMark } from "./log-mark.ts";
import type { ProjectScope } from "./filter-sql.ts";
import { bm25, type DocSizes, decodeList, docSizes, emptyPart, keepProjects, merge, oversized, type Part, type ProjectCodes, room, scoreList, sizeOf } from "./text-index-lists.ts";

import { LastScope } from "./project-codes.ts";
export { UNKNOWN_PROJECT } from "./project-codes.ts";

/**
 * Each document's project, by seq, as built: 0 for a global memory, i + 1 for `names[i]` (stored keys), or
 * {@link UNKNOWN_PROJECT}.
 */
export interface DocProjects {
  codes: Uint8Array;
  names: readonly string[];
}

/** bm25() column weights (content, tags), shared with fts.ts's SQL so both rank alike. */
export const BM25_WEIGHTS = [1.0, 2.0] as const;

const utf8 = new TextEncoder();

/** One document's terms: weighted frequency by term. */
export type DocTerms = Map<string, number>;

/** A term's documents in the overlay: weighted frequency by seq. */
type OverlayList = Map<number, number>;

/** Growable byte buffer of SQLite-style varints (7 bits a byte, high bit: more). */
class Bytes {
  buf = new Uint8Array(1 << 16);
  length = 0;

  push(v: number): void {
    if (this.length + 10 > this.buf.length) this.#grow(this.length + 10);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buf.length) this.#grow(this.length + bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  #grow(need: number): void {
    const next = new Uint8Array(Math.max(need, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}

/** Growable Uint32 list. */
class U32 {
  arr = new Uint32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.arr.length) {
      const next = new Uint32Array(this.arr.length * 2);
      next.set(this.arr);
      this.arr = next;
    }
    this.arr[this.length++] = v;
  }

  done(): Uint32Array {
    return this.arr.slice(0, this.length);
  }
}

/**
 * Builds the lists from instances in the index's order: by term (byte order), then document, then column.
 * Each list entry is varint(Δseq · 2 + (f ≠ 1)), then varint(f) when f ≠ 1; f = Σ column weight per instance.
 */
export class TextIndexBuilder {
  readonly #terms = new Bytes();
  readonly #termEnds = new U32();
  readonly #lists = new Bytes();
  readonly #listEnds = new U32();
  readonly #counts = new U32();
  #term: string | null = null;
  #doc = -1;
  #freq = 0;
  #prevDoc = 0;
  #count = 0;

  /** One instance: `tags` true for the tags column. */
  add(term: string, doc: number, tags: boolean): void {
    if (term !== this.#term) {
      this.#endTerm();
      this.#term = term;
      this.#terms.append(utf8.encode(term));
      this.#termEnds.push(this.#terms.length);
      this.#prevDoc = 0;
      this.#count = 0;
    } else if (doc !== this.#doc) {
      this.#endDoc();
    }
    if (doc !== this.#doc) {
      this.#doc = doc;
      this.#freq = 0;
    }
    this.#freq += tags ? BM25_WEIGHTS[1] : BM25_WEIGHTS[0];
  }

  /** The index, given the build's document sizes (tokens, all columns, by seq) and projects, and its log position. */
  finish(sizes: Uint32Array, projects: DocProjects, log: LogMark): TextIndex {
    this.#endTerm();
    return new TextIndex(this.#terms.done(), this.#termEnds.done(), this.#lists.done(), this.#listEnds.done(), this.#counts.done(), docSizes(sizes), projects, log);
  }

  #endDoc(): void {
    if (this.#doc < 0) return;
    const f = this.#freq;
    this.#lists.push((this.#doc - this.#prevDoc) * 2 + (f !== 1 ? 1 : 0));
    if (f !== 1) this.#lists.push(f);
    this.#prevDoc = this.#doc;
    this.#count++;
    this.#doc = -1;
  }

  #endTerm(): void {
    if (this.#term === null) return;
    this.#endDoc();
    this.#listEnds.push(this.#lists.length);
    this.#counts.push(this.#count);
  }
}

/**
 * A phrase of a MATCH expression: one token (scored here), or anything else (`fts`: matched by FTS5), with its
 * `tokens` when it is a plain phrase of several (scored here when it can be, see {@link TextIndex.rank}).
 */
export type Phrase = { token: string } | { fts: string; tokens?: readonly string[] };

/** FTS5's view of a search's non-token phrases (their `fts` expressions). */
export interface PhraseMatches {
  /** The documents matching the phrase, ascending. */
  rows(match: string): Uint32Array;
  /** Each matching document's contribution: the negated bm25() of a query of the phrase alone. */
  scores(match: string): Iterable<[number, number]>;
}

/**
 * The list bytes [start, end), for an index whose lists stay in a file (text-index-file.ts): a view of exactly
 * those bytes, valid until the next call (its buffer is reused). Throws when they cannot be read or fail their
 * check.
 */
export type ListBytes = (start: number, end: number) => Uint8Array;

/**
 * For an index whose small arrays are read from a file as they are needed (text-index-file.ts): called before
 * term `t`'s entries (its term bytes, list bounds and length) are read, and before the document sizes or
 * project codes are. Throws when they cannot be read or fail their check.
 */
export interface LazyParts {
  term(t: number): void;
  sizes(): void;
  codes(): void;
}

/** What a built index is made of, as {@link TextIndex.parts} gives it to be written to a file. */
export interface TextIndexParts {
  termBytes: Uint8Array;
  termEnds: Uint32Array;
  lists: Uint8Array;
  listEnds: Uint32Array;
  counts: Uint32Array;
  sizes: DocSizes;
  projects: DocProjects;
  log: LogMark;
}

export class TextIndex {
  /** Seqs whose listed entries are stale (changed or deleted since the build). */
  readonly #masked = new Set<number>();
  /**
   * How many masked seqs the lists may hold: those below the build's last seq. A memory written since the build
   * is in no list, so while only such memories changed (the usual case: new memories), counts are the lists'
   * lengths and decoding needs no mask.
   */
  #maskedListed = 0;
  /** Changed or new documents: their terms, and by term their frequencies. */
  readonly #docs = new Map<number, { size: number; terms: DocTerms }>();
  readonly #overlay = new Map<string, OverlayList>();
  /** Unmasked entries per term index, while the masked set is unchanged ({@link count}). */
  readonly #liveCounts = new Map<number, number>();
  /** Each part of a search: a phrase's listed documents, its overlay's, or FTS5's scores (buffers reused). */
  readonly #parts: Part[] = [];
  /** A term's list decoded apart from a search's parts: a phrase's tokens, counts (buffers reused). */
  #spare: Part = emptyPart();
  /** A search's result, ranks in `scores` (buffers reused). */
  #out: Part = emptyPart();
  /** Bytes of buffers made since {@link takeLargeBytes} too large to be kept for another search. */
  readonly #large = { bytes: 0 };

  /** The last scope searched and the codes it keeps. */
  readonly #scope = new LastScope<ProjectCodes>();

  constructor(
    private readonly termBytes: Uint8Array,
    private readonly termEnds: Uint32Array,
    /** In memory, or read from a file term by term. */
    private readonly lists: Uint8Array | ListBytes,
    private readonly listEnds: Uint32Array,
    private readonly counts: Uint32Array,
    /** Tokens per document (all columns), by seq, as built. */
    private readonly sizes: DocSizes,
    /** Each document's project, by seq, as built. */
    private readonly projects: DocProjects,
    /** The text_log entry the index reflects (with its overlay). */
    public log: LogMark,
    /** Set when the arrays above are filled from a file as needed. */
    private readonly lazy: LazyParts | null = null,
    /**
     * Set for the index of a one-shot process, which searches once or twice: its buffers are made just as large
     * as asked (twice the size, for reuse, only cost it the allocation).
     */
    private readonly once = false,
  ) {}

  /** Documents changed since the build. */
  get changed(): number {
    return this.#masked.size;
  }

  /** The lists as built, for a file; null once anything changed (the overlay is not written) or when read from one. */
  parts(): TextIndexParts | null {
    if (this.#masked.size > 0 || !(this.lists instanceof Uint8Array) || this.lazy) return null;
    const { termBytes, termEnds, lists, listEnds, counts, sizes, projects, log } = this;
    return { termBytes, termEnds, lists, listEnds, counts, sizes, projects, log };
  }

  /**
   * Replaces what the index holds of `seq`: its current terms and size, or null when it is no longer indexed.
   * `log` is set by the caller once a whole batch of the log is applied.
   */
  replace(seq: number, doc: { size: number; terms: DocTerms } | null): void {
    if (!this.#masked.has(seq) && seq < this.sizes.short.length) this.#maskedListed++;
    this.#masked.add(seq);
    this.#liveCounts.clear();
    const old = this.#docs.get(seq);
    if (old) {
      for (const term of old.terms.keys()) this.#overlay.get(term)?.delete(seq);
      this.#docs.delete(seq);
    }
    if (!doc) return;
    this.#docs.set(seq, doc);
    for (const [term, f] of doc.terms) {
      let list = this.#overlay.get(term);
      if (!list) this.#overlay.set(term, (list = new Map()));
      list.set(seq, f);
    }
  }

  /**
   * Every matching document with its rank (bm25(): negative, best lowest), for the OR of `phrases`, ascending by
   * seq. A phrase of several tokens is matched by FTS5 (`fts.rows`), and scored here when each of its tokens
   * occurs once in each matching document (see {@link #phraseOnce}); other phrases, and a phrase with a document
   * where a token occurs more often, are scored by FTS5 (`fts.scores`). Document at a time: each phrase's
   * documents come sorted by seq (a list, its overlay, FTS5's rows) and are merged, each document's
   * contributions summed in the query's phrase order as fts5Bm25Function sums them. Scoring term at a time into
   * an array by seq cost a one-shot search at 1M memories ~5 ms of page faults on that fresh 8 MB array, and a
   * random access per entry. With a `scope`, documents of projects it does not keep are left out as their lists
   * are decoded, counted still in their phrase's weight (see the module).
   * The arrays returned are valid until the next call (their buffers are reused).
   */
  rank(phrases: readonly Phrase[], totals: IndexTotals, fts: PhraseMatches, scope?: ProjectScope): { seqs: Uint32Array; ranks: Float64Array } {
    this.#releaseLarge();
    const codes = this.#codesOf(scope);
    const inScope = (p: Part) => {
      if (codes) keepProjects(p, codes, this.#maskedListed > 0 ? this.#masked : null);
    };
    const avgdl = totals.tokens / totals.rows;
    const weight = (n: number) => {
      const idf = Math.log((totals.rows - n + 0.5) / (n + 0.5));
      return idf <= 0.0 ? 1e-6 : idf;
    };
    let used = 0;
    const part = (min: number): Part => {
      if (used === this.#parts.length) this.#parts.push(emptyPart());
      return room(this.#parts[used++]!, min, this.#large, this.once);
    };
    for (const phrase of phrases) {
      if ("fts" in phrase) {
        const matched = phrase.tokens ? fts.rows(phrase.fts) : null;
        const p = part(matched?.length ?? 0);
        if (matched && this.#phraseOnce(phrase.tokens!, matched, p, weight(matched.length), avgdl)) {
          inScope(p);
          continue;
        }
        const rows = [...fts.scores(phrase.fts)].sort((a, b) => a[0] - b[0]);
        room(p, rows.length, this.#large, this.once);
        for (const [seq, c] of rows) {
          p.seqs[p.n] = seq;
          p.scores[p.n++] = c;
        }
        inScope(p);
        continue;
      }
      const t = this.#find(utf8.encode(phrase.token));
      const extra = this.#overlay.get(phrase.token);
      const p = part(t < 0 ? 0 : this.counts[t]!);
      const { kept, listed } = t >= 0 ? this.#listed(t, p.seqs, p.scores, codes) : { kept: 0, listed: 0 };
      p.n = kept;
      const idf = weight(listed + (extra?.size ?? 0));
      // The listed documents in one small function: a one-shot process runs it before the JIT has warmed up,
      // and small functions are compiled sooner.
      this.lazy?.sizes();
      scoreList(p.n, p.seqs, p.scores, this.sizes, idf, avgdl);
      // The overlay's documents are masked in the list, so they are a part of their own, next to the list's.
      if (extra?.size) {
        const q = part(extra.size);
        for (const seq of [...extra.keys()].sort((a, b) => a - b)) {
          q.seqs[q.n] = seq;
          q.scores[q.n++] = bm25(idf, extra.get(seq)!, this.#docs.get(seq)!.size, avgdl);
        }
      }
    }
    let total = 0;
    for (let i = 0; i < used; i++) total += this.#parts[i]!.n;
    const out = room(this.#out, total, this.#large, this.once);
    const n = merge(this.#parts, used, out.seqs, out.scores);
    return { seqs: out.seqs.subarray(0, n), ranks: out.scores.subarray(0, n) };
  }

  /**
   * The documents' project codes with those `scope` keeps (1, by code; codes past them, {@link UNKNOWN_PROJECT},
   * always), or null when it keeps every project. Kept for the next search with the same scope.
   */
  #codesOf(scope: ProjectScope | undefined): ProjectCodes | null {
    return (
      this.#scope.of(scope, this.projects.names, (accept) => {
        this.lazy?.codes();
        return { codes: this.projects.codes, accept };
      }) ?? null
    );
  }

  /**
   * Bytes of buffers too large to keep that searches made since the last call, now the collector's: a long-lived
   * searcher collects after a search that made any (fts-worker.ts), as the collector's own pace let them pile up.
   */
  takeLargeBytes(): number {
    const n = this.#large.bytes;
    this.#large.bytes = 0;
    return n;
  }

  /**
   * Lets the previous search's buffers larger than `SEARCH_BUFFERS.keepEntries` go. Kept for reuse, one per part
   * and each twice the longest list it ever held, they grew to tens of MB in a long-lived process at 1M memories.
   */
  #releaseLarge(): void {
    const kept = (p: Part) => (oversized(p) ? emptyPart() : p);
    for (let i = 0; i < this.#parts.length; i++) this.#parts[i] = kept(this.#parts[i]!);
    this.#spare = kept(this.#spare);
    this.#out = kept(this.#out);
  }

  /**
   * Scores a phrase of `tokens` into `into` for the documents FTS5 found it in (`matched`, ascending) when each
   * token occurs exactly once in each of them with weight 1 (once in the content, not in the tags): the phrase
   * then occurs once, in the content, and bm25() weighs it 1, as a one-token term. FTS5's bm25() spent ~3.5 µs on
   * each such document (it reads the row's phrase instances): 20 ms of a cold search at 1M memories for an error
   * code whose words each hold ~6k. False, with `into` unfinished, when any document has a token more often.
   */
  #phraseOnce(tokens: readonly string[], matched: Uint32Array, into: Part, idf: number, avgdl: number): boolean {
    const n = matched.length;
    if (n === 0) return true;
    this.lazy?.sizes();
    for (const token of tokens) {
      const t = this.#find(utf8.encode(token));
      const list = room(this.#spare, t < 0 ? 0 : this.counts[t]!, this.#large, this.once);
      list.n = t < 0 ? 0 : this.#listed(t, list.seqs, list.scores).kept;
      let j = 0;
      for (let i = 0; i < n; i++) {
        const seq = matched[i]!;
        while (j < list.n && list.seqs[j]! < seq) j++;
        // A changed document is masked in the list: its frequency is the overlay's.
        const f = j < list.n && list.seqs[j] === seq ? list.scores[j] : this.#docs.get(seq)?.terms.get(token);
        if (f !== 1) return false;
      }
    }
    for (let i = 0; i < n; i++) {
      const seq = matched[i]!;
      const size = this.#masked.has(seq) ? this.#docs.get(seq)?.size : sizeOf(this.sizes, seq);
      if (size === undefined) return false;
      into.seqs[i] = seq;
      into.scores[i] = bm25(idf, 1, size, avgdl);
    }
    into.n = n;
    return true;
  }

  /**
   * How many documents hold `token` now (FTS5's count of the one-token phrase): the list's length while nothing
   * is masked, else its unmasked entries, counted once per term until the next change.
   */
  count(token: string): number {
    const extra = this.#overlay.get(token)?.size ?? 0;
    const t = this.#find(utf8.encode(token));
    if (t < 0) return extra;
    if (this.#maskedListed === 0) return this.counts[t]! + extra;
    let listed = this.#liveCounts.get(t);
    if (listed === undefined) {
      const p = room(this.#spare, this.counts[t]!, this.#large, this.once);
      this.#liveCounts.set(t, (listed = this.#listed(t, p.seqs, p.scores).listed));
    }
    return listed + extra;
  }

  /**
   * Decodes term `t`'s listed documents that are not masked into `seqs` and `freqs` (room for its count), leaving
   * out those of projects `scope` does not keep: how many it kept, and how many are listed.
   */
  #listed(t: number, seqs: Uint32Array, freqs: Float64Array, scope: ProjectCodes | null = null): { kept: number; listed: number } {
    const start = t === 0 ? 0 : this.listEnds[t - 1]!;
    const inMemory = this.lists instanceof Uint8Array;
    const lists = inMemory ? (this.lists as Uint8Array) : (this.lists as ListBytes)(start, this.listEnds[t]!);
    const end = inMemory ? this.listEnds[t]! : lists.length;
    return decodeList(lists, inMemory ? start : 0, end, this.#maskedListed > 0 ? this.#masked : null, seqs, freqs, scope);
  }

  /** Binary search of the term bytes (FTS5's order: memcmp of UTF-8); -1 when absent. */
  #find(key: Uint8Array): number {
    let lo = 0;
    let hi = this.termEnds.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      this.lazy?.term(mid);
      const c = this.#compare(mid, key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  #compare(t: number, key: Uint8Array): number {
    const start = t === 0 ? 0 : this.termEnds[t - 1]!;
    const end = this.termEnds[t]!;
    const len = end - start;
    const n = Math.min(len, key.length);
    for (let i = 0; i < n; i++) {
      const d = this.termBytes[start + i]! - key[i]!;
      if (d !== 0) return d;
    }
    return len - key.length;
  }
}
