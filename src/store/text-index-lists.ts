/**
 * @module A search's per-phrase lists for the in-memory full-text index (text-index.ts): decoding a term's list,
 * each document's bm25() contribution, the buffers a search reuses (and those too large to keep), and the merge
 * of the phrases' lists by seq into one ranking.
 */

const K1 = 1.2;
const B = 0.75;

/** Which documents a search keeps by their project: each one's code (by seq, as built), and 1 for a kept code. */
export interface ProjectCodes {
  codes: Uint8Array;
  accept: Uint8Array;
}

/** Whether the project of listed document `seq` (not masked) is one `scope` keeps, or unknown to it. */
const kept = (scope: ProjectCodes, seq: number) => seq >= scope.codes.length || scope.accept[scope.codes[seq]!] !== 0;

/**
 * Decodes a list's entries from `p` to `end` into `seqs` and `freqs`, leaving out `masked` seqs and, with a
 * `scope`, the documents of projects it does not keep: how many were kept, and how many were listed (not
 * masked). Each entry is varint(Δseq · 2 + (f ≠ 1)), then varint(f) when f ≠ 1 (see text-index.ts
 * TextIndexBuilder).
 */
export function decodeList(
  lists: Uint8Array,
  p: number,
  end: number,
  masked: Set<number> | null,
  seqs: Uint32Array,
  freqs: Float64Array,
  scope: ProjectCodes | null = null,
): { kept: number; listed: number } {
  let n = 0;
  let listed = 0;
  let seq = 0;
  while (p < end) {
    let v = 0;
    let mul = 1;
    let b: number;
    do {
      b = lists[p++]!;
      v += (b & 0x7f) * mul;
      mul *= 0x80;
    } while (b & 0x80);
    let f = 1;
    if (v % 2 === 1) {
      f = 0;
      mul = 1;
      do {
        b = lists[p++]!;
        f += (b & 0x7f) * mul;
        mul *= 0x80;
      } while (b & 0x80);
    }
    seq += (v - (v % 2)) / 2;
    if (masked?.has(seq)) continue;
    listed++;
    if (scope && !kept(scope, seq)) continue;
    seqs[n] = seq;
    freqs[n++] = f;
  }
  return { kept: n, listed };
}

/**
 * Leaves out of `p` the documents of projects `scope` does not keep. Kept whatever their code: seqs past the
 * codes (written since the build), codes past `accept` (unknown), and `masked` seqs (changed since the build),
 * whose project the codes do not know.
 */
export function keepProjects(p: Part, scope: ProjectCodes, masked: Set<number> | null): void {
  let n = 0;
  for (let i = 0; i < p.n; i++) {
    const seq = p.seqs[i]!;
    if (!kept(scope, seq) && !masked?.has(seq)) continue;
    p.seqs[n] = seq;
    p.scores[n++] = p.scores[i]!;
  }
  p.n = n;
}

/** One document's bm25() contribution: fts5Bm25Function's expression and order of operations, so the doubles are the same. */
export function bm25(idf: number, f: number, d: number, avgdl: number): number {
  return idf * ((f * (K1 + 1.0)) / (f + K1 * (1 - B + (B * d) / avgdl)));
}

/**
 * Tokens per document (all columns), by seq: a byte each, or {@link LONG_DOC} for a document of that many or more,
 * whose size is in `long`. Memories are short (~40 tokens): at 1M memories the sizes take 1 MB instead of 4, which
 * a one-shot search reads whole.
 */
export interface DocSizes {
  short: Uint8Array;
  long: Map<number, number>;
}

export const LONG_DOC = 0xff;

export function docSizes(sizes: Uint32Array): DocSizes {
  const short = new Uint8Array(sizes.length);
  const long = new Map<number, number>();
  for (let seq = 0; seq < sizes.length; seq++) {
    const d = sizes[seq]!;
    short[seq] = d < LONG_DOC ? d : LONG_DOC;
    if (d >= LONG_DOC) long.set(seq, d);
  }
  return { short, long };
}

/** The size of document `seq`; undefined past the sizes. */
export function sizeOf(sizes: DocSizes, seq: number): number | undefined {
  const d = sizes.short[seq];
  return d === LONG_DOC ? sizes.long.get(seq) : d;
}

/** Each listed document's bm25() contribution ({@link bm25}), in place of its frequency in `scores`. */
export function scoreList(n: number, seqs: Uint32Array, scores: Float64Array, sizes: DocSizes, idf: number, avgdl: number): void {
  const { short, long } = sizes;
  for (let i = 0; i < n; i++) {
    const seq = seqs[i]!;
    const d = short[seq]!;
    scores[i] = bm25(idf, scores[i]!, d === LONG_DOC ? long.get(seq)! : d, avgdl);
  }
}

/**
 * `keepEntries`: entries (12 bytes each) a search's reused buffer keeps for the next search; a larger one, made
 * for a term in many documents, is let go (a one-shot search never searches again; a long-lived one makes it
 * again). Tests lower it.
 */
export const SEARCH_BUFFERS = { keepEntries: 1 << 17 };

/** A phrase's documents ascending by seq, with their contributions: the first `n` entries. */
export interface Part {
  seqs: Uint32Array;
  scores: Float64Array;
  n: number;
}

export function emptyPart(): Part {
  return { seqs: new Uint32Array(0), scores: new Float64Array(0), n: 0 };
}

/** Whether `p`'s buffers are past what a search keeps for the next one. */
export function oversized(p: Part): boolean {
  return p.seqs.length > SEARCH_BUFFERS.keepEntries;
}

/**
 * `p` emptied, with room for `min` entries: buffers grown to twice that when short (`exact`: to just that, for a
 * search that is not followed by others), or to just that past half of `keepEntries` (such a buffer is not kept
 * for another search); the bytes of one not kept are added to `large`.
 */
export function room(p: Part, min: number, large: { bytes: number }, exact = false): Part {
  const size = exact || min > SEARCH_BUFFERS.keepEntries / 2 ? min : min * 2;
  if (p.seqs.length < min) {
    Object.assign(p, { seqs: new Uint32Array(size), scores: new Float64Array(size) });
    if (size > SEARCH_BUFFERS.keepEntries) large.bytes += size * 12;
  }
  p.n = 0;
  return p;
}

/**
 * The first `used` parts merged by seq into `seqs` and `ranks` (room for all their entries): each document's
 * contributions summed in part order from 0, negated, as bm25() does; how many documents.
 */
export function merge(parts: readonly Part[], used: number, seqs: Uint32Array, ranks: Float64Array): number {
  if (used === 1) {
    const p = parts[0]!;
    for (let i = 0; i < p.n; i++) {
      seqs[i] = p.seqs[i]!;
      ranks[i] = -1.0 * (0 + p.scores[i]!);
    }
    return p.n;
  }
  const at = new Uint32Array(used);
  let n = 0;
  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    for (let j = 0; j < used; j++) {
      const p = parts[j]!;
      if (at[j]! < p.n && p.seqs[at[j]!]! < next) next = p.seqs[at[j]!]!;
    }
    if (next === Number.POSITIVE_INFINITY) return n;
    let score = 0;
    for (let j = 0; j < used; j++) {
      const p = parts[j]!;
      if (at[j]! < p.n && p.seqs[at[j]!] === next) score = score + p.scores[at[j]!++]!;
    }
    seqs[n] = next;
    ranks[n++] = -1.0 * score;
  }
}
