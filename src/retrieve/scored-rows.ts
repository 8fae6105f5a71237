/** @module The rows one query scored so far, in growing typed arrays (a scan appends list after list). */

export class ScoredRows {
  size = 0;
  seqs = new Uint32Array(256);
  /** The row's approximate score: what picks the rows scored exactly (+∞ for one whose exact score is all there is). */
  approx = new Float64Array(256);
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
    const grow = <T extends Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.size));
      return b;
    };
    this.seqs = grow(this.seqs, (n) => new Uint32Array(n));
    this.approx = grow(this.approx, (n) => new Float64Array(n));
    this.exact = grow(this.exact, (n) => new Float64Array(n));
  }

  /** Appends a row (after {@link reserve}); `exact` NaN when only the approximate score is known. */
  push(seq: number, approx: number, exact: number): void {
    const i = this.size++;
    this.seqs[i] = seq;
    this.approx[i] = approx;
    this.exact[i] = exact;
  }
}
