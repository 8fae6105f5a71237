/**
 * @module The fast path of an import line's schema check: a hand-written test that accepts only lines the
 * zod schema in import.ts accepts unchanged (known keys, right types, limits), so such a line skips the
 * schema library (~9% of an import line's CPU). Anything else, valid or not, goes through the schema, which
 * alone words the errors and has the last word.
 */
import { STATUSES } from "../domain/memory.ts";
import { MAX_ID_CHARS } from "../domain/safe-id.ts";

const KEYS = new Set([
  "content", "type", "tags", "project", "event_time", "metadata", "id", "created_at", "updated_at", "expires_at",
  "priority", "status", "superseded_by", "session_id", "agent", "source", "access_count", "last_accessed_at", "links",
]);
const TEXT = new Set(["project", "superseded_by", "session_id", "agent", "source"]);
const TIME = new Set(["event_time", "created_at", "updated_at", "expires_at", "last_accessed_at"]);
const LINK_KEYS = new Set(["relation", "to", "created_at", "possible", "settled", "undone"]);
const STATUS = new Set<unknown>(STATUSES);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const isTime = (v: unknown) => v === null || v === undefined || typeof v === "string" || typeof v === "number";
const isId = (v: unknown) => typeof v === "string" && v.length >= 1 && v.length <= MAX_ID_CHARS;

/** True when `json` certainly passes the import line schema as it is (the schema would return an equal value). */
export function plainImportLine(json: unknown, maxLinks: number): boolean {
  if (!isPlainObject(json) || typeof json.content !== "string") return false;
  for (const key of Object.keys(json)) {
    if (!KEYS.has(key)) return false;
    const v = json[key];
    if (key === "content") continue;
    if (TEXT.has(key)) {
      if (v !== null && v !== undefined && typeof v !== "string") return false;
    } else if (TIME.has(key)) {
      if (!isTime(v)) return false;
    } else if (key === "type") {
      if (typeof v !== "string") return false;
    } else if (key === "tags") {
      if (typeof v !== "string" && !(Array.isArray(v) && v.every((t) => typeof t === "string"))) return false;
    } else if (key === "metadata") {
      if (!isPlainObject(v)) return false;
    } else if (key === "id") {
      if (!isId(v)) return false;
    } else if (key === "priority") {
      if (!Number.isSafeInteger(v)) return false;
    } else if (key === "access_count") {
      if (!Number.isSafeInteger(v) || (v as number) < 0) return false;
    } else if (key === "status") {
      if (!STATUS.has(v)) return false;
    } else if (key === "links") {
      if (!Array.isArray(v) || v.length > maxLinks || !v.every(plainLink)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function plainLink(l: unknown): boolean {
  if (!isPlainObject(l) || typeof l.relation !== "string" || !isId(l.to)) return false;
  return (
    Object.keys(l).every((k) => LINK_KEYS.has(k)) &&
    isTime(l.created_at) &&
    (l.possible === undefined || typeof l.possible === "boolean") &&
    (l.settled === undefined || l.settled === "conflict" || l.settled === "not_conflict") &&
    (l.undone === undefined || typeof l.undone === "boolean")
  );
}
