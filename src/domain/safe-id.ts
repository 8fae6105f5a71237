/**
 * @module What a memory id brought in from outside may look like. cairn's own ids are UUIDv7, peer imports map
 * theirs to UUIDs (import-formats/stable-id.ts), and hand-written JSONL uses names like "m1" or "trip-2024-09";
 * an id is also shown in paths and file names (`export --format markdown`), so one that could name another
 * place ("../../victim", "/abs/path", a newline) is refused at the door.
 */
import { cutText } from "../text/cut.ts";

/** The longest id an import line may give (the import schema's limit). */
export const MAX_ID_CHARS = 100;

const SAFE = /^[A-Za-z0-9_:][A-Za-z0-9._:-]*$/;

/** True for 1–{@link MAX_ID_CHARS} of letters, digits, `.` `_` `:` `-`, not starting with `.` or `-`, without `..`. */
export function isSafeId(id: string): boolean {
  return id.length >= 1 && id.length <= MAX_ID_CHARS && SAFE.test(id) && !id.includes("..");
}

/** Why `id` is refused, in words for an error message (null when it is safe). */
export function unsafeIdReason(id: string): string | null {
  if (isSafeId(id)) return null;
  return (
    `${JSON.stringify(id.length > 40 ? `${cutText(id, 40)}…` : id)} is not a usable id: give 1–${MAX_ID_CHARS} letters, digits, ".", "_", ":" or "-", ` +
    `not starting with "." or "-" and without ".." (or leave the id out and cairn makes one)`
  );
}
