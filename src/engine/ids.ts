/**
 * @module Memory ids: time-sortable UUIDv7, the short form people see and type, and resolving what they type.
 * A UUIDv7 starts with a timestamp, so its first 8 characters are shared by everything made in the same
 * minute; its last 12 are random. The short form is therefore the end of the id: its last 8 characters,
 * longer only when another stored memory ends the same way. Full ids and prefixes of them work too.
 */
import { type CairnError, cairnError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import { cutText } from "../text/cut.ts";

/** A new time-sortable unique id. */
export function newId(): string {
  return Bun.randomUUIDv7();
}

/** Shortest short form; 8 hex characters = 32 random bits. */
export const SHORT_ID_LENGTH = 8;
/** The random last group of a UUID; a short form never reaches into the time-and-version part. */
const TAIL_MAX = 12;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Prefixes shorter than this are never resolved: too many memories share them. */
const MIN_PREFIX = 4;
/** How many candidates an ambiguous id lists. */
const SHOWN_CANDIDATES = 5;

/**
 * The short form of each id: its last 8 characters, extended to the shortest suffix no other stored id
 * shares. Ids that are not UUIDs (imported from elsewhere) are shown whole.
 */
export function shortIds(store: Store, ids: readonly string[]): Map<string, string> {
  const uuids = ids.filter((id) => UUID.test(id));
  const tails = [...new Set(uuids.map((id) => id.slice(-SHORT_ID_LENGTH)))];
  const sharing = new Map<string, string[]>();
  for (const other of store.idsWithTail(tails)) {
    const tail = other.slice(-SHORT_ID_LENGTH);
    sharing.set(tail, [...(sharing.get(tail) ?? []), other]);
  }
  const out = new Map<string, string>();
  for (const id of ids) {
    if (!UUID.test(id)) {
      out.set(id, id);
      continue;
    }
    const others = (sharing.get(id.slice(-SHORT_ID_LENGTH)) ?? []).filter((o) => o !== id);
    let n = SHORT_ID_LENGTH;
    while (n <= TAIL_MAX && others.some((o) => o.endsWith(id.slice(-n)))) n++;
    out.set(id, n <= TAIL_MAX ? id.slice(-n) : id);
  }
  return out;
}

/** The short form of one id (see {@link shortIds}). */
export function shortId(store: Store, id: string): string {
  return shortIds(store, [id]).get(id)!;
}

/**
 * Resolves a full id, a short form (a unique end of an id, ≥ 8 characters, dashes included), a unique prefix (≥ 4 characters,
 * like git's short hashes) or, when nothing else matches, a unique start of a short form (≥ 4 characters).
 * Throws NOT_FOUND, or AMBIGUOUS_ID listing the candidates.
 */
export function resolveId(store: Store, idOrPart: string): string {
  const given = idOrPart.trim();
  if (given === "") throw cairnError("NO_ID");
  // An imported id keeps its capitals ("Note-ABC"): looked up as given (QA: such a memory could not be edited or
  // erased). Lower case only for what cairn's own ids are made of, hex and dashes ("DB1744EA"): "NOTE-ABC" is not
  // "note-abc", which may be another memory (QA: a miscased id picked it silently).
  const wanted = /^[0-9a-f-]+$/i.test(given) ? given.toLowerCase() : given;
  // Whether the id is there, without reading the memory: one whose sealed value fails to open must still be
  // found, to be erased (QA: `forget --hard` of it, which its error advises, failed on the same read).
  const stored = (id: string) => store.idsWithPrefix(id, 1)[0] === id;
  if (stored(given)) return given;
  if (stored(wanted)) return wanted;
  const matches = new Set<string>();
  // Any end of an id, dashes and all ("9b72-f7716bd5d5c2"; QA), is found through its last 8 characters.
  if (/^[0-9a-f-]+$/.test(wanted) && /^[0-9a-f]{8}$/.test(wanted.slice(-SHORT_ID_LENGTH))) {
    for (const id of store.idsWithTail([wanted.slice(-SHORT_ID_LENGTH)])) if (id.endsWith(wanted)) matches.add(id);
  }
  if (wanted.length >= MIN_PREFIX) for (const id of store.idsWithPrefix(wanted, SHOWN_CANDIDATES + 1)) matches.add(id);
  // The start of the short form shown ("df24c7" of "df24c7a1"), as people type a git hash (QA): read only when
  // nothing else matched, since no index covers it.
  if (matches.size === 0 && /^[0-9a-f]+$/.test(wanted) && wanted.length >= MIN_PREFIX && wanted.length < SHORT_ID_LENGTH) {
    for (const id of store.idsWithTailStart(wanted, SHOWN_CANDIDATES + 1)) matches.add(id);
  }
  if (matches.size === 1) return [...matches][0]!;
  if (matches.size === 0) throw erasedOrMissing(store, idOrPart, wanted);
  const candidates = [...matches].sort();
  const shown = candidates.slice(0, SHOWN_CANDIDATES);
  const short = shortIds(store, shown);
  const list = shown.map((id) => `${short.get(id)} (${snippet(store.get(id)?.content ?? "")})`).join(", ");
  const count = candidates.length > SHOWN_CANDIDATES ? `more than ${SHOWN_CANDIDATES}` : String(candidates.length);
  throw cairnError("AMBIGUOUS_ID", [idOrPart, count, list]);
}

/**
 * {@link resolveId}, or else an id the audit log names (a purged memory's): a full id, a unique prefix or a unique
 * end of one, as `resolveId` takes them. For `audit log --memory` and `get --history`, which read the log.
 */
export function resolveLoggedId(store: Store, idOrPart: string): string {
  try {
    return resolveId(store, idOrPart);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ERASED") return String((err as CairnError).args[0]);
    const wanted = idOrPart.trim().toLowerCase();
    if (code !== "NOT_FOUND" || !/^[0-9a-f-]+$/.test(wanted) || wanted.length < MIN_PREFIX) throw err;
    const logged = store.loggedIds(wanted, SHOWN_CANDIDATES + 1);
    if (logged.length === 1) return logged[0]!;
    if (logged.length === 0) throw err;
    const count = logged.length > SHOWN_CANDIDATES ? `more than ${SHOWN_CANDIDATES}` : String(logged.length);
    throw cairnError("AMBIGUOUS_ID", [idOrPart, count, logged.slice(0, SHOWN_CANDIDATES).join(", ")]);
  }
}

/**
 * NOT_FOUND, or ERASED when the audit log names one memory of that id (or start or end of one) and a purge of it:
 * a second `forget --hard` or a `get` of an erased memory was told of a typo (QA).
 */
function erasedOrMissing(store: Store, given: string, wanted: string): CairnError {
  // An id of its own (an import's "p1") as typed; cairn's own by any unique part.
  const exact = store.auditLog({ memoryId: given.trim(), op: "purge", limit: 1 })[0];
  if (exact) return cairnError("ERASED", [exact.memoryId, new Date(exact.at).toISOString(), exact.seq]);
  if (/^[0-9a-f-]+$/.test(wanted) && wanted.length >= MIN_PREFIX) {
    const logged = store.loggedIds(wanted, 2);
    const purge = logged.length === 1 ? store.auditLog({ memoryId: logged[0]!, op: "purge", limit: 1 })[0] : undefined;
    if (purge) return cairnError("ERASED", [logged[0]!, new Date(purge.at).toISOString(), purge.seq]);
  }
  return cairnError("NOT_FOUND", [given]);
}

function snippet(content: string): string {
  const flat = content.replace(/\s+/g, " ").trim();
  return flat.length > 40 ? `"${cutText(flat, 39)}…"` : `"${flat}"`;
}
