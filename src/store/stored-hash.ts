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

const HEX_DIGEST = /^[0-9a-f]{64}$/;
const KEYED_TAG = 1;

export function storedHash(hash: string): StoredHash;
export function storedHash(hash: string | null): StoredHash | null;
export function storedHash(hash: string | null): StoredHash | null {
  if (hash === null) return null;
  if (HEX_DIGEST.test(hash)) return Buffer.from(hash, "hex");
  const keyed = hash.startsWith(KEYED_PREFIX) ? hash.slice(KEYED_PREFIX.length) : null;
  if (keyed === null || !HEX_DIGEST.test(keyed)) return hash;
  const out = Buffer.alloc(33);
  out[0] = KEYED_TAG;
  out.write(keyed, 1, "hex");
  return out;
}

/** A stored hash as the text it was written from (null stays null). */
export function hashText(stored: unknown): string | null {
  if (stored === null || stored === undefined) return null;
  if (typeof stored === "string") return stored;
  if (!(stored instanceof Uint8Array)) return String(stored); // a number forged into the column: no hash equals it
  const hex = (from: number) => Buffer.from(stored.buffer, stored.byteOffset + from, stored.byteLength - from).toString("hex");
  return stored.byteLength === 33 && stored[0] === KEYED_TAG ? KEYED_PREFIX + hex(1) : hex(0);
}
