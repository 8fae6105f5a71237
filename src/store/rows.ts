/** @module Mapping between `memories` rows and {@link Memory} records. */
import type { MemoryType } from "../domain/kinds.ts";
import type { Memory, Status } from "../domain/memory.ts";
import { type ContentCodec, place } from "./content-codec.ts";
import { hashText, type StoredHash, storedHash } from "./stored-hash.ts";

export const MEMORY_COLUMNS =
  "m.seq, m.id, m.content, m.type, m.tags, m.project, m.session_id, m.agent, m.source, m.created_at, " +
  "m.updated_at, m.event_time, m.expires_at, m.priority, m.access_count, m.last_accessed_at, " +
  "m.content_hash, m.canonical_hash, m.status, m.superseded_by, m.metadata";

export interface MemoryRow {
  seq: number;
  id: string;
  content: string;
  type: string;
  tags: string;
  project: string | null;
  session_id: string | null;
  agent: string | null;
  source: string | null;
  created_at: number;
  updated_at: number;
  event_time: number | null;
  expires_at: number | null;
  priority: number;
  access_count: number;
  last_accessed_at: number | null;
  /** As stored: bytes, or text of another form (stored-hash.ts). */
  content_hash: StoredHash;
  canonical_hash: StoredHash;
  status: string;
  superseded_by: string | null;
  metadata: string;
}

/** Every column insert and replace write besides the immutable id and created_at, in memoryValues' order. */
const WRITE_COLUMNS = [
  "content", "type", "tags", "project", "session_id", "agent", "source", "updated_at", "event_time", "expires_at",
  "priority", "access_count", "last_accessed_at", "content_hash", "canonical_hash", "status", "superseded_by", "metadata",
] as const;

export const INSERT_SQL = `INSERT INTO memories (id, created_at, ${WRITE_COLUMNS.join(", ")})
  VALUES (?, ?, ${WRITE_COLUMNS.map(() => "?").join(", ")})`;
export const UPDATE_SQL = `UPDATE memories SET ${WRITE_COLUMNS.map((c) => `${c} = ?`).join(", ")} WHERE seq = ?`;

/** Where the names of projects and tags are compared: the same stored form in every table that holds them. */
export const PROJECT_DOMAIN = "project";
export const TAG_DOMAIN = "tag";

/** A project key as stored (null stays null: whether a memory is global is visible). */
export function storedProject(codec: ContentCodec, project: string | null): string | null {
  return project === null ? null : codec.encodeName(project, PROJECT_DOMAIN);
}

/** The project key a stored one names ({@link storedProject} undone); `what` names it in an integrity error. */
export function projectOf(codec: ContentCodec, stored: string | null, what: string): string | null {
  return stored === null ? null : codec.decodeName(stored, PROJECT_DOMAIN, what);
}

export function storedTag(codec: ContentCodec, tag: string): string {
  return codec.encodeName(tag, TAG_DOMAIN);
}

/**
 * What an encrypted row keeps in its one ciphertext (the content column): everything written there, sealed
 * together — one AES-GCM operation per row read instead of four (the per-call cost dominates, not the bytes).
 * The content hashes ride along because the hash columns hold keyed hashes, which cannot be turned back.
 */
interface SealedRow {
  c: string;
  h: string;
  k: string;
  t: string[];
  m: Record<string, unknown>;
  s: string | null;
}

/** The tags and metadata columns of an encrypted row: not JSON, so SQL over them (integrity.ts) skips the row. */
const SEALED = "";

/** The columns insert and replace write, after id and created_at (WRITE_COLUMNS' order). */
export function memoryValues(codec: ContentCodec, m: Memory): Array<StoredHash | number | null> {
  const hashes = [storedHash(codec.keyedHash(m.contentHash)), storedHash(codec.keyedHash(m.canonicalHash))] as const;
  if (codec.encrypted) {
    const sealed: SealedRow = { c: m.content, h: m.contentHash, k: m.canonicalHash, t: m.tags, m: m.metadata, s: m.source };
    return [
      codec.encode(JSON.stringify(sealed), place("memories", "content", m.id)), m.type, SEALED, storedProject(codec, m.project), m.sessionId,
      m.agent, null, m.updatedAt, m.eventTime, m.expiresAt, m.priority, m.accessCount, m.lastAccessedAt, hashes[0], hashes[1], m.status,
      m.supersededBy, SEALED,
    ];
  }
  return [
    m.content, m.type, JSON.stringify(m.tags), m.project, m.sessionId, m.agent, m.source, m.updatedAt, m.eventTime, m.expiresAt,
    m.priority, m.accessCount, m.lastAccessedAt, hashes[0], hashes[1], m.status, m.supersededBy, JSON.stringify(m.metadata),
  ];
}

/** The sealed part of an encrypted row (throws TAMPERED naming the memory). */
function openRow(codec: ContentCodec, id: string, stored: string): SealedRow {
  return JSON.parse(codec.decode(stored, place("memories", "content", id), `memory ${id}`)) as SealedRow;
}

/** What the full-text index was given for a stored row (fts.ts): its content and its tags, as `codec` indexes them. */
export function indexedTexts(codec: ContentCodec, row: Pick<MemoryRow, "id" | "content" | "tags">): [string, string] {
  const sealed = codec.encrypted ? openRow(codec, row.id, row.content) : null;
  const tags = sealed ? sealed.t : (JSON.parse(row.tags) as string[]);
  return [codec.indexText(sealed ? sealed.c : row.content), codec.indexText(tags.join(" "))];
}

/** The content hash sealed in an encrypted row (throws TAMPERED naming the memory). */
export function sealedHash(codec: ContentCodec, id: string, stored: string): string {
  return openRow(codec, id, stored).h;
}

/** A memory's text from the stored content column. */
export function decodeContent(codec: ContentCodec, id: string, stored: string): string {
  return codec.encrypted ? openRow(codec, id, stored).c : stored;
}

export function rowToMemory(row: MemoryRow, codec: ContentCodec): Memory {
  const sealed = codec.encrypted ? openRow(codec, row.id, row.content) : null;
  return {
    id: row.id,
    content: sealed ? sealed.c : row.content,
    type: row.type as MemoryType,
    tags: sealed ? sealed.t : (JSON.parse(row.tags) as string[]),
    project: projectOf(codec, row.project, `memory ${row.id}`),
    sessionId: row.session_id,
    agent: row.agent,
    source: sealed ? sealed.s : row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    eventTime: row.event_time,
    expiresAt: row.expires_at,
    priority: row.priority,
    accessCount: row.access_count,
    lastAccessedAt: row.last_accessed_at,
    contentHash: sealed ? sealed.h : hashText(row.content_hash)!,
    canonicalHash: sealed ? sealed.k : hashText(row.canonical_hash)!,
    status: row.status as Status,
    supersededBy: row.superseded_by,
    metadata: sealed ? sealed.m : (JSON.parse(row.metadata) as Record<string, unknown>),
  };
}
