/**
 * @module Redacting structured values (metadata, audit details, hook state): every string in them, and
 * every object key, passes secret redaction; a string under a credential-like key goes entirely.
 */
import { keyStrength, redactSecrets } from "./redact.ts";
import { isPlaceholder } from "./secret-values.ts";
import { cutText } from "../text/cut.ts";

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
  // Unchanged containers come back as they are: most values hold no secret, and copying every array and
  // object of every record was a tenth of a write's redaction time.
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = redactValue(value[i], key, counter);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (value !== null && typeof value === "object") {
    // Keys are text too: `{"ghp_…": true}` would otherwise keep the token.
    const entries = Object.entries(value);
    let changed = false;
    for (const e of entries) {
      const k = redactString(e[0], counter);
      const v = redactValue(e[1], e[0], counter);
      if (k !== e[0] || v !== e[1]) changed = true;
      e[0] = k;
      e[1] = v;
    }
    return changed ? Object.fromEntries(entries) : value;
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
  return cutText(redactSecrets(cutText(text, max + 1000)).text, max);
}
