/**
 * @module Stable memory ids for imported records: a UUID (version 8, "custom") made from a hash of the source
 * format and the record's identity in that source, so a second import of the same source meets the same ids.
 */
import { realpathSync } from "node:fs";

/** The id of the record `key` of `format` (e.g. "mcp-memory", "entity:John_Smith:obs:Speaks Spanish"). */
export function stableId(format: string, key: string): string {
  const hex = new Bun.CryptoHasher("sha256").update(`${format}\u0000${key}`).digest("hex");
  // Version nibble 8, variant bits 10xx: a well-formed UUID that cairn shows and resolves like its own ids.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  // Joined, not a template literal: a template makes a rope of nine pieces, each kept alive with the hash it was
  // cut from (~380 bytes an id where a flat one is ~60); an import holds every record's id at once (QA: a 100k
  // mem0 import peaked at 770 MB).
  return [hex.slice(0, 8), hex.slice(8, 12), `8${hex.slice(13, 16)}`, `${variant}${hex.slice(17, 20)}`, hex.slice(20, 32)].join("-");
}

/**
 * The part of a record's key that names where it came from and where it goes: the scope it is imported into and
 * the file or folder read (its real path). Names inside a source (a note's permalink, an entity's name) repeat
 * across sources: two folders' `meeting-notes`, two memory files' `Config` were one record, the second skipped
 * as "already imported" (QA). The same source imported again, into the same scope, meets the same ids.
 */
export function sourceKey(project: string | null, path: string): string {
  return `${project ?? ""}\u0000${realPath(path)}\u0000`;
}

/** `path` with its links resolved; as given when it cannot be (it was read already, so it exists). */
export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
