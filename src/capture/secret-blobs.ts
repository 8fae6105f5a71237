/**
 * @module Bare random blobs: a 40+ character base64 token standing alone ("here is the key:\n<60 chars>") is
 * redacted when it looks random (mixed case and digits, high entropy, frequent character-class changes, few
 * word-like runs) and is not one of the public look-alikes: URLs, paths, data: URIs, npm/Nix integrity
 * (`sha512-…`), go.sum `h1:` hashes, SSH public keys and certificates, or base64 of readable text.
 */
import { entropy } from "./secret-values.ts";

/** A maximal run of base64 / base64url characters, with optional padding. */
const BLOB = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{40,}={0,2}(?![A-Za-z0-9+/_=-])/g;
/** Hash prefixes of public checksums: SRI/npm/Nix `sha512-`, go.sum `h1:`, `sha256:`, `base64,` of data URIs. */
const HASH_PREFIX = /(?:sha\d+|sha-\d+|md5|h\d|zh|base64)[:,-]$/i;
/** Public key material: certificates and public keys are meant to be shared. */
const PUBLIC_BLOCK = /-----BEGIN [A-Z0-9 ]*(?:CERTIFICATE|PUBLIC KEY)[A-Z0-9 ]*-----[\s\S]*?(?:-----END [A-Z0-9 ]*-----|$)/g;
/** A value named as a digest: `"checksum": "…"`, `code_challenge=…`, `etag: …`. */
const HASH_NAME = /(?:hash|digest|checksum|challenge|integrity|etag|fingerprint|sha\d*)["'\]]?\s*(?:[:=]|=>)\s*["'`]?$/i;
const SSH_PUBLIC = /\b(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-\S+|sk-ssh-\S+)\s+$/;

/** Share of the string in word-like runs (`Account`, `settings`): ~0.15 for random base64, most of a camelCase name. */
function wordShare(s: string): number {
  let n = 0;
  for (const m of s.matchAll(/[A-Z]?[a-z]{3,}/g)) n += m[0].length;
  return n / s.length;
}

/** Share of character-class changes between neighbours (lower, upper, digit, other): ~0.65 for random base64. */
function classChanges(s: string): number {
  const cls = (c: string) => (c >= "a" && c <= "z" ? 0 : c >= "A" && c <= "Z" ? 1 : c >= "0" && c <= "9" ? 2 : 3);
  let n = 0;
  for (let i = 1; i < s.length; i++) if (cls(s[i]!) !== cls(s[i - 1]!)) n++;
  return n / (s.length - 1);
}

/** True when the token decodes (base64 or base64url) to mostly printable text: encoded content, not a key. */
function decodesToText(token: string): boolean {
  const b64 = token.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  let bytes: Buffer;
  try {
    bytes = Buffer.from(b64, "base64");
  } catch {
    return false;
  }
  if (bytes.length === 0) return false;
  let printable = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  return printable / bytes.length >= 0.9;
}

/** A random-looking token of 40+ characters, judged on its own characters only. */
export function isRandomBlob(token: string): boolean {
  const body = token.replace(/=+$/, "");
  if (body.length < 40 || !/[a-z]/.test(body) || !/[A-Z]/.test(body)) return false;
  if (!/\d/.test(body)) return false;
  // Paths (`src/capture/…`) and kebab/snake identifiers have word-like pieces; a random blob rarely has two.
  if (body.split(/[/_-]/).filter((part) => /^[a-z]{4,}$|^[A-Z][a-z]{3,}$/.test(part)).length >= 2) return false;
  return entropy(body) >= 4.2 && classChanges(body) >= 0.38 && wordShare(body) < 0.6 && !decodesToText(body);
}

/** Index of the first character of the whitespace-delimited word that holds position `at`. */
function wordStart(text: string, at: number): number {
  let i = at;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return i;
}

/** Where `text` holds public key material (certificates, public keys), as [start, end) ranges. */
function publicRanges(text: string): Array<[number, number]> {
  return Array.from(text.matchAll(PUBLIC_BLOCK), (m) => [m.index, m.index + m[0].length] as [number, number]);
}

/** True when `text` has a run of 40 base64 characters: most text has none, and skips the regexes (hooks start cold). */
function hasLongRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b64 = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 95 || c === 45;
    run = b64 ? run + 1 : 0;
    if (run >= 40) return true;
  }
  return false;
}

/** Replaces bare random blobs; `hit` records the redaction and returns its marker. */
export function redactBlobs(text: string, hit: (kind: string) => string): string {
  if (!hasLongRun(text)) return text;
  let skip: Array<[number, number]> | null = null;
  return text.replace(BLOB, (m: string, offset: number) => {
    skip ??= publicRanges(text);
    if (skip.some(([s, e]) => offset >= s && offset < e)) return m;
    const before = text.slice(Math.max(0, offset - 60), offset);
    if (HASH_PREFIX.test(before) || SSH_PUBLIC.test(before) || HASH_NAME.test(before) || /^(?:sha\d+|sha-\d+|md5)-/i.test(m)) return m;
    // Inside a URL, a path or an email address: ids in links and file names are not credentials.
    const word = text.slice(wordStart(text, offset), offset);
    if (/:\/\/|^(?:\.{0,2}\/|~\/)|@|[/.]$|data:/.test(word)) return m;
    return isRandomBlob(m) ? hit("high_entropy") : m;
  });
}
