/**
 * @module Hashes as stored (migrations 18 and 19): a SHA-256 digest as its 32 bytes instead of 64 hex
 * characters, a keyed one (`hmac:` + 64 hex: audit-key.ts, an encrypted store's codec) as a 1 byte then its
 * 32 — about 70 bytes saved an audit entry and 64 a memory. Read back, each is exactly the text it was
 * written from, so what hashes that text (the audit chain) and what compares it are unchanged. A value of
 * any other form (a test's "h", a forged entry) stays text: the columns are ANY.
 */
import { KEYED_PREFIX } from "./audit-key.ts";

/** A hash column's value: bytes, or text of another form. */
export type StoredHash = Uint8Array | string;

const KEYED_TAG = 1;
const DIGEST_CHARS = 64;
/**
 * Each byte's two hex digits; and each char code's value as a lowercase hex digit (−1: not one). Filled by plain
 * loops: `Array.from` with a mapping function took ~0.9 ms of every cold command's start, these ~0.1.
 */
const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, "0"));
const DIGIT = new Int8Array(128).fill(-1);
for (let c = 0; c < 16; c++) DIGIT[c < 10 ? 48 + c : 87 + c] = c;

export function storedHash(hash: string): StoredHash;
export function storedHash(hash: string | null): StoredHash | null;
export function storedHash(hash: string | null): StoredHash | null {
  if (hash === null) return null;
  // Written by hand, not Buffer.from(hex) and a regex: an import stores ~5 hashes a memory (~6% of its time).
  if (hash.length === DIGEST_CHARS) return bytesOf(hash, 0, new Uint8Array(32), 0) ?? hash;
  if (hash.length === KEYED_PREFIX.length + DIGEST_CHARS && hash.startsWith(KEYED_PREFIX)) {
    const out = new Uint8Array(33);
    out[0] = KEYED_TAG;
    return bytesOf(hash, KEYED_PREFIX.length, out, 1) ?? hash;
  }
  return hash;
}

/** `text`'s 64 lowercase hex digits from `from` decoded into `out` at `at`; null when they are not. */
function bytesOf(text: string, from: number, out: Uint8Array, at: number): Uint8Array | null {
  for (let i = 0; i < 32; i++) {
    const hi = DIGIT[text.charCodeAt(from + 2 * i)] ?? -1;
    const lo = DIGIT[text.charCodeAt(from + 2 * i + 1)] ?? -1;
    if (hi < 0 || lo < 0) return null;
    out[at + i] = (hi << 4) | lo;
  }
  return out;
}

/** A stored hash as the text it was written from (null stays null). */
export function hashText(stored: unknown): string | null {
  if (stored === null || stored === undefined) return null;
  if (typeof stored === "string") return stored;
  if (!(stored instanceof Uint8Array)) return String(stored); // a number forged into the column: no hash equals it
  const keyed = stored.length === 33 && stored[0] === KEYED_TAG;
  let text = keyed ? KEYED_PREFIX : "";
  for (let i = keyed ? 1 : 0; i < stored.length; i++) text += HEX[stored[i]!];
  return text;
}
