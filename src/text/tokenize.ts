/**
 * @module The one tokeniser of memory text outside SQLite: what the plain full-text index receives
 * ({@link indexText}), and the folded, stemmed tokens the blind index of an encrypted store hashes
 * ({@link indexTokens}) — the same notion of a token as FTS5's `porter unicode61 remove_diacritics 2`, so a
 * query finds the same memories in either kind of store.
 */
import { porterStem } from "./porter.ts";

// CJK ideographs, kana, hangul: scripts written without spaces, where unicode61 would index a whole
// run as one token. Spacing each character lets a phrase query of consecutive characters match any
// substring, so Chinese, Japanese and Korean text is searchable.
const CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f";
const CJK = new RegExp(`([${CJK_CHARS}])`, "g");
const ONE_CJK = new RegExp(`^[${CJK_CHARS}]$`);

/** Whether `c` is one character of those scripts (the index holds each as a token of its own). */
export const isCjkChar = (c: string): boolean => ONE_CJK.test(c);

/** The notion of a token of FTS5's unicode61 tokenizer: letters, numbers, marks, private use. */
export const TOKEN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

const MARKS = /\p{Mn}/gu;

/** The text given to the full-text index for a piece of content or a query term. */
export function indexText(text: string): string {
  return text.replace(CJK, " $1 ");
}

/** unicode61 with remove_diacritics 2: lower case, diacritics dropped. */
export function foldToken(token: string): string {
  const lower = token.toLowerCase();
  // ASCII (nearly every token) has nothing to decompose.
  if (/^[\x00-\x7f]*$/.test(lower)) return lower;
  return lower.normalize("NFD").replace(MARKS, "").normalize("NFC");
}

/** One token as the index holds it: folded and Porter-stemmed ("" when nothing is left). */
export function indexToken(raw: string): string {
  const folded = foldToken(raw);
  return folded === "" ? "" : porterStem(folded);
}

/** The raw tokens of `text`, in order, before folding (the unit callers may cache per). */
export function rawTokens(text: string): string[] {
  return indexText(text).match(TOKEN) ?? [];
}

/** The index's tokens of `text`, in order: folded and Porter-stemmed (empty ones dropped). */
export function indexTokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of rawTokens(text)) {
    const t = indexToken(raw);
    if (t !== "") out.push(t);
  }
  return out;
}
