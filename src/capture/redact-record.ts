/** @module Redacting a memory's free text before it is stored: the content and every string inside its metadata. */
import { isPlaceholder } from "./secret-values.ts";
import { keyStrength, redactSecrets } from "./redact.ts";

export interface RedactedRecord {
  content: string;
  metadata: Record<string, unknown>;
  /** How many secrets were replaced; stored as `metadata.redacted` so the user can see it happened. */
  count: number;
}

/**
 * Metadata strings are redacted like content; in addition a string under a credential-like key
 * (`{"password": "hunter2"}`) goes entirely, since there the key alone says what the value is.
 */
function redactValue(value: unknown, key: string | null, counter: { n: number }): unknown {
  if (typeof value === "string") {
    if (key !== null && keyStrength(key) === "strong" && !isPlaceholder(value)) {
      counter.n += 1;
      return "[REDACTED:secret]";
    }
    const r = redactSecrets(value);
    counter.n += r.redactions.length;
    return r.text;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, key, counter));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k, counter)]));
  }
  return value;
}

/** Returns the content and metadata to store; the count is added to the metadata only when secrets were found. */
export function redactRecord(content: string, metadata: Record<string, unknown>): RedactedRecord {
  const fromContent = redactSecrets(content);
  const counter = { n: 0 };
  const cleaned = redactValue(metadata, null, counter) as Record<string, unknown>;
  const count = fromContent.redactions.length + counter.n;
  return { content: fromContent.text, metadata: count > 0 ? { ...cleaned, redacted: count } : cleaned, count };
}
