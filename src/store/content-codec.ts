/**
 * @module The one place memory text crosses into and out of storage. Encryption at rest will live here:
 * every read of stored content goes through {@link decodeContent}, every write through {@link encodeContent}.
 * The FTS index receives text only through {@link indexText}, so a later encrypted mode can decide what the
 * index may hold.
 */

/** Stored form of a memory's content. Identity today; the seam for encryption at rest. */
export function encodeContent(content: string): string {
  return content;
}

export function decodeContent(stored: string): string {
  return stored;
}

// CJK ideographs, kana, hangul: scripts written without spaces, where unicode61 would index a whole
// run as one token. Spacing each character lets a phrase query of consecutive characters match any
// substring, so Chinese, Japanese and Korean text is searchable.
const CJK = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f])/g;

/** The text given to the full-text index for a piece of content or a query term. */
export function indexText(text: string): string {
  return text.replace(CJK, " $1 ");
}
