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

interface Node {
  children: Map<string, Node>;
  end: boolean;
  score: number;
  index: number;
}

const newNode = (): Node => ({ children: new Map(), end: false, score: 0, index: 0 });

export type Vocabulary = ReadonlyArray<readonly [string, number | null]>;

export class UseTokenizer {
  readonly #root = newNode();
  /** UTF-16 length of each piece, used (like the reference) to step back through the lattice. */
  readonly #pieceLength: Int32Array;

  constructor(vocabulary: Vocabulary) {
    this.#pieceLength = Int32Array.from(vocabulary, ([piece]) => piece.length);
    for (let i = RESERVED; i < vocabulary.length; i++) {
      const [piece, score] = vocabulary[i]!;
      let node = this.#root;
      for (const ch of piece) {
        let next = node.children.get(ch);
        if (!next) node.children.set(ch, (next = newNode()));
        node = next;
      }
      if (node === this.#root) continue;
      node.end = true;
      node.score = score ?? 0;
      node.index = i;
    }
  }

  encode(text: string): number[] {
    const normalized = text.normalize("NFKC");
    const input = normalized.length > 0 ? SEPARATOR + normalized.replaceAll(" ", SEPARATOR) : normalized;
    const symbols = Array.from(input);
    const n = symbols.length;
    // ends[e] lists the pieces ending at e as (start, score, index), in ascending start order.
    const ends: Array<number[]> = Array.from({ length: n + 1 }, () => []);
    for (let i = 0; i < n; i++) {
      let node = this.#root.children.get(symbols[i]!);
      let matched = false;
      for (let j = i; j < n && node; j++) {
        if (node.end) {
          ends[j + 1]!.push(i, node.score, node.index);
          matched = true;
        }
        node = node.children.get(symbols[j + 1]!);
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
