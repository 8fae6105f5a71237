/**
 * @module Exact top rows from bounded approximate scores. Rows are scored cheaply first (the SIMD scorer's
 * int16 query), each with an upper bound on its exact score; the best by bound are re-scored exactly, 32 at a
 * time, and a re-scored row is certain once its exact score beats the bound of every row not yet re-scored.
 * The result is the one exact scores of every row would give (ties by seq), at the cost of re-scoring only
 * the rows near the top.
 */
import { rankScores, topIndices, type Ranking } from "./vector-rank.ts";

/** Rows scored so far for one query, in growing typed arrays (a scan appends list after list). */
export class ScoredRows {
  size = 0;
  seqs = new Uint32Array(256);
  /** Where the row is, for the caller's exact scoring (−1 when `exact` is already set). */
  rows = new Int32Array(256);
  /** The most the row can score exactly. */
  upper = new Float64Array(256);
  /** The exact score; NaN until computed. */
  exact = new Float64Array(256);

  /** Empties the list, keeping its buffers (a new query reuses them: no garbage per search). */
  clear(): void {
    this.size = 0;
  }

  /** Room for `more` rows past `size`. */
  reserve(more: number): void {
    const need = this.size + more;
    if (need <= this.seqs.length) return;
    const cap = Math.max(need, this.seqs.length * 2);
    const grow = <T extends Uint32Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.size));
      return b;
    };
    this.seqs = grow(this.seqs, (n) => new Uint32Array(n));
    this.rows = grow(this.rows, (n) => new Int32Array(n));
    this.upper = grow(this.upper, (n) => new Float64Array(n));
    this.exact = grow(this.exact, (n) => new Float64Array(n));
  }

  /** Appends a row (after {@link reserve}); `exact` NaN when only the bound is known. */
  push(seq: number, row: number, upper: number, exact: number): void {
    const i = this.size++;
    this.seqs[i] = seq;
    this.rows[i] = row;
    this.upper[i] = upper;
    this.exact[i] = exact;
  }
}

/** Re-scored per step: a few more than a typical search returns. */
const STEP = 32;

/**
 * The `want` best rows by exact score, best first, ties by seq. `score(i)` gives row i's exact score (it is
 * called once per row, and only for rows whose bound reaches the top).
 */
export function certifiedTop(scored: ScoredRows, want: number, score: (i: number) => number): Ranking {
  const n = scored.size;
  const { upper, exact } = scored;
  const seqs = scored.seqs.subarray(0, n);
  const exactOf = (i: number) => {
    let s = exact[i]!;
    if (Number.isNaN(s)) exact[i] = s = score(i);
    return s;
  };
  if (want >= n) {
    const all = new Float32Array(n);
    for (let i = 0; i < n; i++) all[i] = exactOf(i);
    return rankScores(all, want, seqs);
  }
  for (let count = Math.min(n, Math.max(2 * want, want + STEP)); ; count = Math.min(n, count * 4)) {
    const order = topIndices(upper.subarray(0, n), count, seqs); // best bound first
    let certain: number[] = [];
    for (let done = 0; done < count && certain.length < want; ) {
      const from = done;
      done = Math.min(count, done + STEP);
      for (let j = from; j < done; j++) exactOf(order[j]!);
      // No row left to re-score — in `order` past `done`, or outside it — can score above this line.
      const line = done < count ? upper[order[done]!]! : count < n ? upper[order[count - 1]!]! : Number.NEGATIVE_INFINITY;
      certain = order.slice(0, done).filter((i) => exact[i]! > line);
    }
    if (certain.length >= want || count === n) {
      certain.sort((a, b) => exact[b]! - exact[a]! || seqs[a]! - seqs[b]!);
      const rows = certain.slice(0, want);
      return { rows, scores: rows.map((i) => exact[i]!), complete: rows.length === n };
    }
  }
}
