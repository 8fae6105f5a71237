/** @module Checks shared by every write path, so CLI, MCP, hooks and import reject bad input the same way. */
import { cleanContent } from "../capture/normalize.ts";
import { DEFAULT_TYPE, isMemoryType, MEMORY_TYPES, type MemoryType } from "../domain/kinds.ts";
import { cairnError } from "../errors.ts";
import { nestingDepth } from "../domain/nesting.ts";

export { nestingDepth };

/** Memories are notes, not documents; larger text should be split so recall can point at the right part. */
export const MAX_CONTENT_BYTES = 64 * 1024;

/**
 * Characters that show nothing on their own: format characters (zero-width space and joiners, direction marks,
 * BOM), fillers, the blank Braille cell, and combining marks with nothing to combine with.
 */
const INVISIBLE = /[\p{Cf}\p{M}\u115f\u1160\u2800\u3164\uffa0]/gu;

export function checkContent(raw: string): string {
  const content = cleanContent(raw);
  // Only invisible characters (zero-width spaces, joiners, marks of direction) is as empty as only spaces (QA).
  if (content.replace(INVISIBLE, "").trim() === "") throw cairnError("EMPTY_CONTENT");
  const bytes = Buffer.byteLength(content, "utf8");
  if (bytes > MAX_CONTENT_BYTES) throw cairnError("CONTENT_TOO_LARGE", [bytes, MAX_CONTENT_BYTES]);
  return content;
}

/** Tags a memory may carry, and characters a tag may hold: far above real use, as import has them. */
export const MAX_TAGS = 1000;
export const MAX_TAG_CHARS = 1000;

/** `tags` as given, refused past {@link MAX_TAGS} or with a tag past {@link MAX_TAG_CHARS} (QA: a 100,000-character tag was stored, and filled every listing). */
export function checkTags(tags: readonly string[] | undefined): string[] {
  const given = [...(tags ?? [])];
  const long = given.find((t) => t.length > MAX_TAG_CHARS);
  if (given.length > MAX_TAGS || long !== undefined) {
    throw cairnError("TAGS_TOO_LARGE", [long !== undefined ? `a tag of ${long.length} characters` : `${given.length} tags`, MAX_TAGS, MAX_TAG_CHARS]);
  }
  return given;
}

export function checkType(value: string | undefined): MemoryType {
  if (value === undefined || value === "") return DEFAULT_TYPE;
  const type = value.trim().toLowerCase();
  // Reminders are made by `remind` (they need a due time): not offered here, where they are refused (QA).
  if (!isMemoryType(type)) throw cairnError("BAD_TYPE", [value, `${MEMORY_TYPES.filter((t) => t !== "reminder").join(", ")} (a reminder: cairn remind)`]);
  return type;
}

export function checkPriority(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 5) {
    throw cairnError("BAD_PRIORITY", [String(value)]);
  }
  return value;
}

/** Metadata is for small structured facts (ticket ids, file names); long text belongs in the content. */
export const MAX_METADATA_BYTES = 16 * 1024;

/** Deeper metadata is refused: nothing real nests this far, and deep nesting is how recursion is attacked. */
export const MAX_METADATA_DEPTH = 32;

export function checkMetadata(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw cairnError("BAD_METADATA");
  }
  // Checked without recursion before anything walks it recursively (JSON.stringify, redaction): metadata
  // nested 50,000 deep overflowed the stack.
  const depth = nestingDepth(value, MAX_METADATA_DEPTH);
  if (depth > MAX_METADATA_DEPTH) {
    throw cairnError("METADATA_TOO_DEEP", [MAX_METADATA_DEPTH]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(value), "utf8");
  if (bytes > MAX_METADATA_BYTES) {
    throw cairnError("METADATA_TOO_LARGE", [bytes, MAX_METADATA_BYTES]);
  }
  return value as Record<string, unknown>;
}
