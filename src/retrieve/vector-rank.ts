/**
 * @module Ranking rows by exact cosine, fast: the int8 kernel proposes the k best candidates, they are
 * re-scored exactly in float, and only the prefix that the quantisation error bound proves to be the true
 * top is returned. A row left out scores at most (k-th approximate value + bound), so every re-scored
 * candidate above that line is certainly ahead of everything not proposed. If too few clear it, k grows;
 * at k = n the ranking is exact outright. Results therefore equal exact brute force, scores included.
 * Equal scores are ordered by a caller-given key (the memory's seq) rather than by row, because rows move
 * when the index deletes one: the order then stays the one a freshly loaded index would give.
 */
import type { TopKKernel } from "../embed/vector-kernel.ts";
import type { Int8Columns } from "./vector-quant.ts";
import { downToKth } from "../domain/select.ts";
import { packedScale, unpackScaledInto } from "../store/vector-codec.ts";

/** Rows in the true exact order (ties by key, else by row number), with their exact scores. */
export interface Ranking {
  rows: number[];
  scores: number[];
  /** Every row is listed: asking for more will not find any. */
  complete: boolean;
}

/**
 * Fewest candidates asked of the kernel. At 10k USE-lite vectors, 400 can certify 134–265 rows (p50 193)
 * once all are re-scored, 200 only 47–142: too few for a 50-hit search whose filters reject some. Re-scoring
 * stops as soon as enough are certain, so a longer list costs only TopK time.
 */
const MIN_CANDIDATES = 400;

/** Cosine of row `row` with `q`: the one scoring function, so every path yields bit-identical scores. */
export function dotRow(matrix: Float32Array, row: number, dims: number, q: Float32Array): number {
  const base = row * dims;
  // Four independent accumulators let the JIT pipeline the multiply-adds: ~2× faster than one chain.
  const d4 = dims - (dims % 4);
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  let k = 0;
  for (; k < d4; k += 4) {
    a += matrix[base + k]! * q[k]!;
    b += matrix[base + k + 1]! * q[k + 1]!;
    c += matrix[base + k + 2]! * q[k + 2]!;
    e += matrix[base + k + 3]! * q[k + 3]!;
  }
  for (; k < dims; k++) a += matrix[base + k]! * q[k]!;
  return Math.fround(a + b + c + e);
}

const levels = new Float32Array(16);

/**
 * dotRow of the packed vector at `offset` in `packed` (store/vector-codec.ts: 4-bit values grouped by 32 dims,
 * then the float32 scale) with `q`, without unpacking it first: each value is the float32 its unpacking
 * gives, multiplied and summed in dotRow's order (four running sums over k mod 4), so the score is the same
 * bit for bit — in ~a third of the time in a process that has not warmed up (a one-shot recall scores 200
 * rows so). A width that is not a multiple of 32 is unpacked into `row` (at least `dims` long) and scored so.
 */
export function dotPacked(packed: Uint8Array, offset: number, dims: number, q: Float32Array, row: Float32Array): number {
  if (dims % 32 !== 0) {
    unpackScaledInto(packed, offset, dims, row, 0);
    return dotRow(row, 0, dims, q);
  }
  const bytes = dims >> 1;
  const scale = packedScale(packed, offset, dims);
  // The 16 values a half-byte stands for (two's complement), as float32: what unpacking would store.
  for (let v = 0; v < 16; v++) levels[v] = ((v ^ 8) - 8) * scale;
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  // Byte 16g + j holds dim 32g + j in its low half and dim 32g + 16 + j in its high half.
  for (let g = 0; g < bytes; g += 16) {
    const at = offset + g;
    const k = 2 * g;
    for (let j = 0; j < 16; j += 4) {
      a += levels[packed[at + j]! & 15]! * q[k + j]!;
      b += levels[packed[at + j + 1]! & 15]! * q[k + j + 1]!;
      c += levels[packed[at + j + 2]! & 15]! * q[k + j + 2]!;
      e += levels[packed[at + j + 3]! & 15]! * q[k + j + 3]!;
    }
    for (let j = 0; j < 16; j += 4) {
      a += levels[packed[at + j]! >> 4]! * q[k + 16 + j]!;
      b += levels[packed[at + j + 1]! >> 4]! * q[k + 17 + j]!;
      c += levels[packed[at + j + 2]! >> 4]! * q[k + 18 + j]!;
      e += levels[packed[at + j + 3]! >> 4]! * q[k + 19 + j]!;
    }
  }
  return Math.fround(a + b + c + e);
}

/**
 * The indices of the `count` best scores, best first, ties by `key` (by index when absent), by bounded
 * insertion: O(n log count) rather than sorting all n (~3 ms at 10k), since a search rarely reads past the
 * first few hundred; by selection when n is many times count.
 */
export function topIndices(scores: ArrayLike<number>, count: number, key?: ArrayLike<number>): number[] {
  const top: number[] = [];
  if (count <= 0) return top;
  // Whether row a ranks before row b.
  const before = key
    ? (a: number, b: number) => scores[a]! > scores[b]! || (scores[a] === scores[b] && key[a]! < key[b]!)
    : (a: number, b: number) => scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b);
  if (scores.length > SELECT_FROM * count) return selectTop(scores, count, before);
  // The last kept score: a row below it cannot enter (the common case, checked without the comparator).
  let floor = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i]! < floor) continue;
    if (top.length === count && !before(i, top[count - 1]!)) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(top[mid]!, i)) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, i);
    if (top.length > count) top.pop();
    if (top.length === count) floor = scores[top[count - 1]!]!;
  }
  return top;
}

/**
 * From this many rows per row asked for, {@link topIndices} finds the count-th best score by selection and sorts
 * only the rows at or above it: the bounded insertion splices every early row into its list (~1 ms of a
 * 100k-memory MCP recall, for ~20k bounds and 200–400 asked).
 */
const SELECT_FROM = 8;

/** topIndices by selection: the same rows in the same order (ties by `before`). */
function selectTop(scores: ArrayLike<number>, count: number, before: (a: number, b: number) => boolean): number[] {
  return downToKth(scores, count - 1)
    .sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
    .slice(0, count);
}

/** The best `want` rows (all when want ≥ n) from a full array of exact scores, ties by `key`. */
export function rankScores(scores: Float32Array, want: number, key?: ArrayLike<number>): Ranking {
  const n = scores.length;
  // Bounded insertion costs O(n · want) moves in the worst case; past a few hundred a stable sort wins.
  const rows =
    want * 8 >= n
      ? Array.from(scores.keys())
          .sort((a, b) => scores[b]! - scores[a]! || (key ? key[a]! - key[b]! : 0))
          .slice(0, want)
      : topIndices(scores, want, key);
  return { rows, scores: rows.map((r) => scores[r]!), complete: rows.length === n };
}

/**
 * The rows a search may return, for the kernel: `bias` is the columns' own with every other row's set to
 * PAD_BIAS, so the kernel never proposes one while `count` (how many are kept) is at least what it is asked.
 */
export interface KernelScope {
  bias: Float32Array;
  count: number;
}

/**
 * Exact top rows through the kernel; at least `want` of them unless fewer exist (of the `scope`'s rows, when
 * given). Candidates are re-scored best-approximate first, 32 at a time, stopping once `want` are certain: a
 * row not yet re-scored, or never proposed, scores at most its approximate value + bound, and the best such
 * value only falls as the re-scoring moves down the list. At 10k USE-lite vectors ~200 of the 400 candidates
 * get re-scored. When too few are certain the kernel is asked for more; a row re-scored before is not again,
 * and rows leave the uncertain ones by a heap, so a deep ranking over near-identical vectors stays linear.
 */
export async function rankWithKernel(
  kernel: TopKKernel,
  columns: Int8Columns,
  exact: (row: number) => number,
  n: number,
  query: Float32Array,
  want: number,
  key?: ArrayLike<number>,
  scope?: KernelScope,
): Promise<Ranking> {
  const q = columns.quantizeQuery(query);
  const eligible = scope ? Math.min(n, scope.count) : n;
  const known = new Map<number, number>();
  const score = (row: number) => {
    let s = known.get(row);
    if (s === undefined) known.set(row, (s = exact(row)));
    return s;
  };
  let k = Math.min(eligible, Math.max(want * 2, MIN_CANDIDATES));
  for (;;) {
    const input = columns.input(q, k);
    // k ≤ eligible: a column outside the scope, or unused (−3e38 too), is never among the k best.
    const { rows, values } = await kernel.top(scope ? { ...input, bias: scope.bias } : input);
    const m = rows.length;
    // TopK proposes the k best, so a row it left out is at most the lowest value proposed.
    let outside = Number.NEGATIVE_INFINITY;
    if (k < eligible) for (let i = 0; i < m; i++) outside = i === 0 || values[i]! < outside ? values[i]! : outside;
    // The best value from each position on (TopK sorts its output, but the bound must not depend on it).
    const from = new Float64Array(m + 1).fill(outside);
    for (let i = m - 1; i >= 0; i--) from[i] = Math.max(values[i]!, from[i + 1]!);
    const scores = new Float64Array(m);
    const certain: number[] = [];
    const uncertain = new ScoreHeap(scores);
    for (let done = 0; done < m && certain.length < want; ) {
      const end = Math.min(m, done + 32);
      for (let i = done; i < end; i++) {
        scores[i] = score(rows[i]!);
        uncertain.push(i);
      }
      done = end;
      // The line only falls as `done` grows: a row above it stays above it.
      const line = lineAbove(from[done]!, q.scale, q.errorBound);
      while (uncertain.size > 0 && scores[uncertain.top()]! > line) certain.push(uncertain.pop());
    }
    if (certain.length >= want || k >= eligible) {
      // Ties by key: a tied row outside the candidates cannot exist (it would score above the line too).
      certain.sort((a, b) => scores[b]! - scores[a]! || (key ? key[rows[a]!]! - key[rows[b]!]! : 0) || rows[a]! - rows[b]!);
      return { rows: certain.map((i) => rows[i]!), scores: certain.map((i) => scores[i]!), complete: certain.length === eligible };
    }
    k = Math.min(eligible, k * 4);
  }
}

/** A max-heap of indices into `scores`, best score on top. */
class ScoreHeap {
  readonly #scores: Float64Array;
  readonly #items: number[] = [];

  constructor(scores: Float64Array) {
    this.#scores = scores;
  }

  get size(): number {
    return this.#items.length;
  }

  top(): number {
    return this.#items[0]!;
  }

  push(index: number): void {
    const items = this.#items;
    const s = this.#scores;
    let at = items.push(index) - 1;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (s[items[up]!]! >= s[index]!) break;
      items[at] = items[up]!;
      at = up;
    }
    items[at] = index;
  }

  pop(): number {
    const items = this.#items;
    const s = this.#scores;
    const best = items[0]!;
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= n) break;
        if (child + 1 < n && s[items[child + 1]!]! > s[items[child]!]!) child++;
        if (s[items[child]!]! <= s[last]!) break;
        items[at] = items[child]!;
        at = child;
      }
      items[at] = last;
    }
    return best;
  }
}

/** The most a row whose kernel value is at most `value` can score exactly. */
function lineAbove(value: number, scale: number, bound: number): number {
  if (value === Number.NEGATIVE_INFINITY) return value;
  const approx = value * scale;
  // Float rounding in the re-score (float32 results) is orders below the bound; the slack covers it.
  return approx + bound + 1e-5 * (Math.abs(approx) + bound) + 1e-6;
}
