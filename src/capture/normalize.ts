/** @module Normalising what is remembered: content cleanup, canonical form and hashes for duplicate detection. */

/** Trims, unifies line endings and drops NUL and other control characters (C0 but tab and newline, DEL, C1) that only corrupt display. */
export function cleanContent(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, "")
    .trim();
}

/** Every control character and bidirectional override: a tag is one short word, shown inline. */
const TAG_CONTROL = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/** `text` on one line: line breaks (and the spaces around them) as one space; controls and bidi overrides gone. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").replace(TAG_CONTROL, "").trim();
}

const ASCII = /^[\x00-\x7f]*$/;

/**
 * The canonical form used to detect "the same memory written differently": Unicode NFKC, lower case,
 * markdown emphasis and heading marks removed, whitespace collapsed, trailing punctuation dropped.
 */
export function canonicalize(text: string): string {
  // NFKC leaves ASCII as it is; the check costs far less than normalising (a tenth of an import line's time).
  return (ASCII.test(text) ? text : text.normalize("NFKC"))
    .toLowerCase()
    .replace(/[`*_~#>]+/g, "")
    .replace(/^\s*[-+]\s+/gm, "")
    .replace(/\s+/g, " ")
    .replace(/[\s.!?;:,]+$/u, "")
    .trim();
}

export function sha256(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}

export function contentHashes(content: string): { contentHash: string; canonicalHash: string } {
  return { contentHash: sha256(content), canonicalHash: sha256(canonicalize(content)) };
}

/**
 * Tags are trimmed, NFKC-normalised, lower-cased, de-duplicated and sorted so equal sets compare equal, and a
 * tag matches what a user types: `ＡＰＩ` (a Japanese IME's full width) is `api`, and `İzmir` is `izmir`, not
 * the `i̇zmir` lower-casing gives (an i and a combining dot above: QA, `--tags izmir` found nothing).
 */
export function normalizeTags(tags: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const raw of tags) {
    const text = raw.replace(TAG_CONTROL, "").trim();
    const tag = (ASCII.test(text) ? text.toLowerCase() : text.normalize("NFKC").toLowerCase().replace(/i\u0307/g, "i")).replace(/\s+/g, "-");
    // A tag of invisible characters only (a zero-width space) shows as a bare "#" and matches nothing anyone types.
    if (tag && tag.replace(/\p{Cf}/gu, "") !== "") out.add(tag);
  }
  return [...out].sort();
}

/**
 * A comma-separated tag list given for a write, split and trimmed only: the engine normalises tags after
 * secret redaction, since lower-casing first would hide a token's shape (`AKIA…`, a PEM header).
 */
export function splitTagList(value: string | undefined): string[] | undefined {
  const tags = (value ?? "").split(",").map((t) => t.trim()).filter((t) => t !== "");
  return tags.length > 0 ? tags : undefined;
}

/** Splits a comma-separated tag list as given on a command line (filters: normalised at once). */
export function parseTagList(value: string | undefined): string[] {
  if (!value) return [];
  return normalizeTags(value.split(","));
}
