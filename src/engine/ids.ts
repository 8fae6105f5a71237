/** @module Memory ids: time-sortable UUIDv7, and resolving the short prefixes people type. */
import { cairnError } from "../errors.ts";
import type { Store } from "../store/store.ts";

/** A new time-sortable unique id. */
export function newId(): string {
  return Bun.randomUUIDv7();
}

const MIN_PREFIX = 4;

/**
 * Resolves a full id or a unique prefix of one (like git's short hashes). Throws NOT_FOUND or
 * AMBIGUOUS_ID with advice when it cannot.
 */
export function resolveId(store: Store, idOrPrefix: string): string {
  const wanted = idOrPrefix.trim().toLowerCase();
  if (wanted === "") throw cairnError("USAGE", ["Give a memory id (see `cairn list`)."]);
  if (store.get(wanted)) return wanted;
  if (wanted.length >= MIN_PREFIX) {
    const ids = store.idsWithPrefix(wanted, 2);
    if (ids.length === 1) return ids[0]!;
    if (ids.length > 1) throw cairnError("AMBIGUOUS_ID", [idOrPrefix, "several"]);
  }
  throw cairnError("NOT_FOUND", [idOrPrefix]);
}
