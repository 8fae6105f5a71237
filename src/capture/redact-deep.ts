/**
 * @module Redacting structured values (metadata, audit details, hook state): every string in them, and
 * every object key, passes secret redaction; a string under a credential-like key goes entirely.
 */
import { keyStrength, redactSecrets } from "./redact.ts";
import { isPlaceholder } from "./secret-values.ts";

function redactString(text: string, counter: { n: number }): string {
  const r = redactSecrets(text);
  counter.n += r.redactions.length;
  return r.text;
}

/**
 * Strings are redacted like content; in addition a string under a credential-like key
 * (`{"password": "hunter2"}`) goes entirely, since there the key alone says what the value is.
 */
export function redactValue(value: unknown, key: string | null, counter: { n: number }): unknown {
  if (typeof value === "string") {
    if (key !== null && keyStrength(key) === "strong" && !isPlaceholder(value)) {
      counter.n += 1;
      return "[REDACTED:secret]";
    }
    return redactString(value, counter);
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, key, counter));
  if (value !== null && typeof value === "object") {
    // Keys are text too: `{"ghp_…": true}` would otherwise keep the token.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactString(k, counter), redactValue(v, k, counter)]));
  }
  return value;
}

/** Any JSON-like value with every string in it redacted, and how many secrets were replaced. */
export function redactDeep<T>(value: T): { value: T; count: number } {
  const counter = { n: 0 };
  const out = redactValue(value, null, counter) as T;
  return { value: counter.n > 0 ? out : value, count: counter.n };
}

/**
 * `text` redacted and cut to `max` characters. Redacting before cutting matters: a token cut in half no
 * longer has the shape that identifies it, and its first half would be kept.
 */
export function redactedCut(text: string, max: number): string {
  return redactSecrets(text.slice(0, max + 1000)).text.slice(0, max);
}
