/**
 * @module How much of one text reaches a tokenizer. Models read at most a few hundred tokens (USE-lite 128, HF
 * folders their `maxLength`, at most 512), yet tokenizers work on the whole string before cutting: a 200,000-
 * character query was tokenized in full to keep its first 128 tokens. Every embedder and reranker passes
 * queries and documents through here first, so input size never reaches native code unbounded.
 */

/**
 * Characters (UTF-16 code units) of a query or document that are tokenized. 512 tokens fit in it unless the
 * average token is over 16 characters, so no model here loses a token it would have read.
 */
export const MAX_EMBED_CHARS = 8192;

/** The first MAX_EMBED_CHARS of `text`, never ending inside a surrogate pair. */
export function clipForEmbedding(text: string, max = MAX_EMBED_CHARS): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
