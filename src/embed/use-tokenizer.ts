/**
 * @module The SentencePiece (unigram) tokenizer of Universal Sentence Encoder Lite, ported to produce exactly
 * the ids of the reference implementation.
 *
 * Ported from `@energetic-ai/embeddings` (lib/tokenizer.ts, lib/trie.ts), itself derived from TensorFlow.js
 * models' universal-sentence-encoder tokenizer — Copyright 2019 Google LLC, Apache License 2.0
 * (http://www.apache.org/licenses/LICENSE-2.0). Its quirks are kept on purpose, because the model was used
 * with them: NFKC, a leading "▁" and spaces → "▁", no lower-casing, no BOS/EOS, ids below 6 never matched,
 * an unknown character → id 0 (runs collapse to one), Viterbi with `score >= best` ties (later start wins)
 * and `best === 0` meaning "unset", null scores as 0, duplicated pieces → the later index, and backtracking
 * by the piece's UTF-16 length.
 */

const SEPARATOR = "\u2581";
const RESERVED = 6;
const MAGIC = "USETRIE1";
const HEADER = 24;
/** Where the scores start: after the header and five i32 arrays (piece lengths, then four per node), 8-aligned. */
const scoresAt = (pieces: number, nodes: number) => Math.ceil((HEADER + 4 * pieces + 16 * nodes) / 8) * 8;

export type Vocabulary = ReadonlyArray<readonly [string, number | null]>;

/**
 * The vocabulary's trie, flattened at build time (scripts/convert-use-lite.ts) so a process maps typed arrays
 * instead of parsing 218 KB of JSON and building ~30k nodes (10–15 ms of every cold hybrid recall). Nodes in
 * breadth-first order, node 0 the root; a node's children are contiguous and sorted by code point. Layout: the
 * magic, node and piece counts (u32), a CRC-32 of what follows the header (u32), padding; then piece lengths
 * (i32, UTF-16), child starts, child counts, edge code points and piece indices (i32; 0 where no piece ends:
 * ids below {@link RESERVED} are never matched), padding to 8 bytes, and scores (f64).
 */
export function encodeVocabularyTrie(vocabulary: Vocabulary): Uint8Array {
  interface Node {
    children: Map<number, Node>;
    score: number;
    index: number;
  }
  const newNode = (): Node => ({ children: new Map(), score: 0, index: 0 });
  const root = newNode();
  for (let i = RESERVED; i < vocabulary.length; i++) {
    const [piece, score] = vocabulary[i]!;
    let node = root;
    for (const ch of piece) {
      const cp = ch.codePointAt(0)!;
      let next = node.children.get(cp);
      if (!next) node.children.set(cp, (next = newNode()));
      node = next;
    }
    if (node === root) continue;
    // A piece listed twice keeps its later index.
    node.score = score ?? 0;
    node.index = i;
  }
  const order: Node[] = [root];
  const codes: number[] = [0];
  const starts: number[] = [];
  const counts: number[] = [];
  for (let n = 0; n < order.length; n++) {
    const children = [...order[n]!.children].sort((a, b) => a[0] - b[0]);
    starts.push(order.length);
    counts.push(children.length);
    for (const [cp, child] of children) {
      order.push(child);
      codes.push(cp);
    }
  }
  const nodes = order.length;
  const pieces = vocabulary.length;
  const scores = scoresAt(pieces, nodes);
  const bytes = new Uint8Array(scores + 8 * nodes);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, nodes, true);
  view.setUint32(12, pieces, true);
  let at = HEADER;
  const put = (values: ArrayLike<number>) => {
    for (let k = 0; k < values.length; k++, at += 4) view.setInt32(at, values[k]!, true);
  };
  put(vocabulary.map(([piece]) => piece.length));
  put(starts);
  put(counts);
  put(codes);
  put(order.map((node) => node.index));
  order.forEach((node, k) => view.setFloat64(scores + 8 * k, node.score, true));
  view.setUint32(16, Bun.hash.crc32(bytes.subarray(HEADER)), true);
  return bytes;
}

export class UseTokenizer {
  /** UTF-16 length of each piece, used (like the reference) to step back through the lattice. */
  readonly #pieceLength: Int32Array;
  readonly #childStart: Int32Array;
  readonly #childCount: Int32Array;
  readonly #code: Int32Array;
  readonly #index: Int32Array;
  readonly #score: Float64Array;

  /** From the bytes {@link encodeVocabularyTrie} wrote; throws when they are not such a trie. */
  constructor(trie: Uint8Array) {
    const view = new DataView(trie.buffer, trie.byteOffset, trie.byteLength);
    const nodes = trie.length >= HEADER ? view.getUint32(8, true) : 0;
    const pieces = trie.length >= HEADER ? view.getUint32(12, true) : 0;
    const scores = scoresAt(pieces, nodes);
    const intact = trie.length === scores + 8 * nodes && view.getUint32(16, true) === Bun.hash.crc32(trie.subarray(HEADER));
    if (new TextDecoder().decode(trie.subarray(0, 8)) !== MAGIC || nodes === 0 || !intact) {
      throw new Error("not a USE-lite vocabulary trie, or a damaged one (run `npm run build`)");
    }
    // Copied once (under 1 MB) so the arrays are aligned whatever the bytes' offset.
    const own = trie.slice().buffer;
    let at = HEADER;
    const ints = (n: number) => {
      const a = new Int32Array(own, at, n);
      at += 4 * n;
      return a;
    };
    this.#pieceLength = ints(pieces);
    this.#childStart = ints(nodes);
    this.#childCount = ints(nodes);
    this.#code = ints(nodes);
    this.#index = ints(nodes);
    this.#score = new Float64Array(own, scores, nodes);
  }

  /** The child of `node` along code point `cp`, or −1. */
  #child(node: number, cp: number): number {
    let lo = this.#childStart[node]!;
    let hi = lo + this.#childCount[node]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.#code[mid]!;
      if (c === cp) return mid;
      if (c < cp) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  encode(text: string): number[] {
    const normalized = text.normalize("NFKC");
    const input = normalized.length > 0 ? SEPARATOR + normalized.replaceAll(" ", SEPARATOR) : normalized;
    const symbols = Array.from(input, (ch) => ch.codePointAt(0)!);
    const n = symbols.length;
    // ends[e] lists the pieces ending at e as (start, score, index), in ascending start order.
    const ends: Array<number[]> = Array.from({ length: n + 1 }, () => []);
    for (let i = 0; i < n; i++) {
      let node = this.#child(0, symbols[i]!);
      let matched = false;
      for (let j = i; j < n && node >= 0; j++) {
        if (this.#index[node] !== 0) {
          ends[j + 1]!.push(i, this.#score[node]!, this.#index[node]!);
          matched = true;
        }
        node = j + 1 < n ? this.#child(node, symbols[j + 1]!) : -1;
      }
      if (!matched) ends[i + 1]!.push(i, 0, 0);
    }
    const best = new Float64Array(n + 1);
    const words = new Int32Array(n + 1);
    for (let e = 0; e <= n; e++) {
      const list = ends[e]!;
      for (let k = 0; k < list.length; k += 3) {
        const score = list[k + 1]! + best[list[k]!]!;
        if (best[e] === 0 || score >= best[e]!) {
          best[e] = score;
          words[e] = list[k + 2]!;
        }
      }
    }
    const reversed: number[] = [];
    for (let at = n; at > 0; at -= this.#pieceLength[words[at]!]!) reversed.push(words[at]!);
    const ids: number[] = [];
    let previousUnknown = false;
    for (const id of reversed) {
      if (!(previousUnknown && id === 0)) ids.push(id);
      previousUnknown = id === 0;
    }
    return ids.reverse();
  }
}
