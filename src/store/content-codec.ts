/**
 * @module The one place what users and agents wrote crosses into and out of storage. A {@link ContentCodec} is
 * chosen when a store opens: {@link PLAIN_CODEC} stores text as it is; the AEAD codec (aead-codec.ts)
 * encrypts it under the user's key. Every read and write of content, tags, project names, metadata, sources
 * and old versions goes through `encode`/`decode`; the full-text index receives text only through
 * `indexText` and is queried only through `indexQuery`, so an encrypted store indexes keyed hashes of
 * tokens (a blind index) instead of words.
 */
import type { LineSeal } from "../log-file.ts";
import { indexText } from "../text/tokenize.ts";

/**
 * Where a stored value belongs: its table, column and row. An encrypted value is bound to it (AEAD associated
 * data), so a value copied into another row or column fails to decrypt instead of showing there.
 */
export type Place = string;

export function place(table: string, column: string, row: string | number): Place {
  return `${table}.${column}\u0000${row}`;
}

export interface ContentCodec {
  /** True when stored values are ciphertext. */
  readonly encrypted: boolean;
  /** The key check value of the key (see encryption-record.ts); null for the plain codec. */
  readonly keyCheck: string | null;
  /** The stored form of `text` at `where` (randomised when encrypted: a fresh nonce per write). */
  encode(text: string, where: Place): string;
  /** The text back; throws TAMPERED (naming `what`) when the value fails authentication. */
  decode(stored: string, where: Place, what: string): string;
  /** Bytes (vectors, files) the same way. */
  encodeBytes(bytes: Uint8Array, where: Place): Uint8Array;
  decodeBytes(stored: Uint8Array, where: Place, what: string): Uint8Array;
  /**
   * A name compared in SQL (a project key, a tag): the same name always has the same stored form within
   * `domain`, so equality lookups and indexes work; it is still decryptable with {@link decodeName}.
   */
  encodeName(name: string, domain: string): string;
  decodeName(stored: string, domain: string, what: string): string;
  /**
   * A content hash as stored (duplicate detection compares these): a plain store keeps the SHA-256; an
   * encrypted one an HMAC of it under the key, so equal texts are recognisable only by the key holder.
   */
  keyedHash(hash: string): string;
  /** What the full-text index receives for `text`. */
  indexText(text: string): string;
  /** A MATCH expression of quoted terms (fts-query.ts), rewritten for what the index holds. */
  indexQuery(match: string): string;
  /**
   * The key to make the same codec on another thread of this process (the keyword search thread reads changed
   * rows' texts for its index); null for the plain codec.
   */
  threadKey(): Uint8Array | null;
}

/** The codec of a plain store: values as they are, the FTS5 tokenizer indexing the words. */
export const PLAIN_CODEC: ContentCodec = {
  encrypted: false,
  keyCheck: null,
  encode: (text) => text,
  decode: (stored) => stored,
  encodeBytes: (bytes) => bytes,
  decodeBytes: (stored) => stored,
  encodeName: (name) => name,
  decodeName: (stored) => stored,
  keyedHash: (hash) => hash,
  indexText,
  indexQuery: (match) => match,
  threadKey: () => null,
};

/** How the data directory's log lines are sealed under an encrypted codec (log-file.ts); null for a plain one. */
export function logSeal(codec: ContentCodec): LineSeal | null {
  if (!codec.encrypted) return null;
  const where = (bound: string) => place("log", "line", bound);
  return { seal: (text, bound) => codec.encode(text, where(bound)), open: (sealed, bound) => codec.decode(sealed, where(bound), "a log line") };
}
