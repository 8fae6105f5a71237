/** @module Judging a candidate secret value: placeholders, code references and hashes are not secrets; entropy is. */

/** Words that fill a secret's slot in examples, schemas and type annotations without being one. */
const NON_SECRET_WORDS = new Set([
  "", "true", "false", "yes", "no", "on", "off", "null", "nil", "none", "undefined", "empty",
  "string", "str", "number", "int", "integer", "boolean", "bool", "any", "unknown", "object", "bytes", "text",
  "required", "optional", "secret", "password", "passwd", "token", "apikey", "api_key", "key", "value",
  "changeme", "change-me", "change_me", "placeholder", "dummy", "example", "redacted", "hidden", "todo", "tbd",
  "include", "omit", "same-origin", "env", "default", "test", "foo", "bar", "baz",
  // Code keywords that follow `token =` in source: the value is computed, not written down.
  "await", "new", "yield", "async", "function", "lambda", "self", "this", "typeof", "some", "ok", "err",
]);

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * True for values that only stand in for a secret: `<your-api-key>`, `${DB_PASSWORD}`, `$TOKEN`, `xxxx`,
 * `****`, `your-secret-here`, template expressions, and text already redacted. Redacting these would
 * only destroy useful configuration knowledge.
 */
export function isPlaceholder(raw: string): boolean {
  const v = raw.trim();
  const lower = v.toLowerCase();
  if (NON_SECRET_WORDS.has(lower)) return true;
  if (/^(<.*>|\{\{.*\}\}|\$\{.*\}|\$\(.*\)|\$[A-Za-z_]\w*|%[A-Za-z_]\w*%|\[REDACTED[:\]].*|\.\.\.+|…)$/.test(v)) return true;
  if (/^your[-_ ]/i.test(v) || /[-_](here|goes-here)$/i.test(v)) return true;
  if (/REDACTED/.test(v)) return true;
  // xxxx, ****, 0000, sk_live_xxxxxxxx: a body of one or two repeated characters.
  const body = v.replace(/^[a-z]{2,4}[-_](?:(?:live|test|proj|ant)[-_])?/i, "");
  if (body.length >= 3 && new Set(body.toLowerCase().replace(/[-_.]/g, "")).size <= 2) return true;
  return false;
}

/** `process.env.X`, `settings.secret`, `this.token`: code that names where a secret lives, not the secret. */
export function isCodeReference(v: string): boolean {
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(v) && !/\d/.test(v.split(".").pop() ?? "");
}

/** Git SHAs, sha256 sums and UUIDs are identifiers, not credentials, unless a strong key name says otherwise. */
export function looksLikeIdentifierHash(v: string): boolean {
  return /^[0-9a-f]{7,64}$/i.test(v) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
}

/**
 * `/etc/ssl/key.pem`, `~/.ssh/id_ed25519`, `C:\\keys`: where a secret lives, not the secret. A base64 value may
 * start with `/` too (`/sJCSWN7V…=`): one with padding, or with no word-like segment, is not a path.
 */
export function looksLikePath(v: string): boolean {
  if (!/^(?:\/|~\/|\.{1,2}\/|[A-Za-z]:\\)/.test(v)) return false;
  if (!/^[A-Za-z0-9+/]{16,}={0,2}$/.test(v) || !isHighEntropy(v)) return true;
  return !v.endsWith("=") && v.split("/").some((part) => /^[a-z]{3,}$/.test(part));
}

/** A random-looking token: long enough, mixed letters and digits, and high entropy. */
export function isHighEntropy(v: string): boolean {
  if (v.length < 16) return false;
  if (!/[A-Za-z]/.test(v) || !/\d/.test(v)) return false;
  if (/^\d[\d.]*$/.test(v)) return false;
  return entropy(v) >= 3.3;
}
