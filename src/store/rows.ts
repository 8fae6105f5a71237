/** @module Mapping between `memories` rows and {@link Memory} records. */
import type { MemoryType } from "../domain/kinds.ts";
import type { Memory, Status } from "../domain/memory.ts";
import { type ContentCodec, place } from "./content-codec.ts";

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
  content_hash: string;
  canonical_hash: string;
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
  VALUES (?, ?, ${WRITE_COLUMNS.map(() => "?").join(", ")}) RETURNING seq`;
export const UPDATE_SQL = `UPDATE memories SET ${WRITE_COLUMNS.map((c) => `${c} = ?`).join(", ")} WHERE seq = ?`;

/** Where the names of projects and tags are compared: the same stored form in every table that holds them. */
export const PROJECT_DOMAIN = "project";
export const TAG_DOMAIN = "tag";

/** A project key as stored (null stays null: whether a memory is global is visible). */
export function storedProject(codec: ContentCodec, project: string | null): string | null {
  return project === null ? null : codec.encodeName(project, PROJECT_DOMAIN);
}

export function storedTag(codec: ContentCodec, tag: string): string {
  return codec.encodeName(tag, TAG_DOMAIN);
}

/**
 * The stored form of content. An encrypted store keeps the content hashes inside the ciphertext (the columns
 * hold keyed hashes, which cannot be turned back), so a memory reads back exactly as it was written.
 */
function storedContent(codec: ContentCodec, m: Memory): string {
  const where = place("memories", "content", m.id);
  return codec.encrypted ? codec.encode(`${m.contentHash} ${m.canonicalHash}\n${m.content}`, where) : codec.encode(m.content, where);
}

/** The columns insert and replace write, after id and created_at (WRITE_COLUMNS' order). */
export function memoryValues(codec: ContentCodec, m: Memory): Array<string | number | null> {
  const json = (column: string, value: unknown) => codec.encode(JSON.stringify(value), place("memories", column, m.id));
  return [
    storedContent(codec, m), m.type, json("tags", m.tags), storedProject(codec, m.project), m.sessionId, m.agent,
    m.source === null ? null : codec.encode(m.source, place("memories", "source", m.id)), m.updatedAt,
    m.eventTime, m.expiresAt, m.priority, m.accessCount, m.lastAccessedAt, codec.keyedHash(m.contentHash),
    codec.keyedHash(m.canonicalHash), m.status, m.supersededBy, json("metadata", m.metadata),
  ];
}

/** A memory's text (and, in an encrypted store, the hashes kept with it) from the stored content column. */
export function decodeContent(codec: ContentCodec, id: string, stored: string): { content: string; contentHash?: string; canonicalHash?: string } {
  const content = codec.decode(stored, place("memories", "content", id), `memory ${id}`);
  if (!codec.encrypted) return { content };
  const nl = content.indexOf("\n");
  const sp = content.indexOf(" ");
  return { content: content.slice(nl + 1), contentHash: content.slice(0, sp), canonicalHash: content.slice(sp + 1, nl) };
}

export function rowToMemory(row: MemoryRow, codec: ContentCodec): Memory {
  const what = `memory ${row.id}`;
  const open = (column: string, value: string) => codec.decode(value, place("memories", column, row.id), what);
  const { content, contentHash = row.content_hash, canonicalHash = row.canonical_hash } = decodeContent(codec, row.id, row.content);
  return {
    id: row.id,
    content,
    type: row.type as MemoryType,
    tags: JSON.parse(open("tags", row.tags)) as string[],
    project: row.project === null ? null : codec.decodeName(row.project, PROJECT_DOMAIN, what),
    sessionId: row.session_id,
    agent: row.agent,
    source: row.source === null ? null : open("source", row.source),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    eventTime: row.event_time,
    expiresAt: row.expires_at,
    priority: row.priority,
    accessCount: row.access_count,
    lastAccessedAt: row.last_accessed_at,
    contentHash,
    canonicalHash,
    status: row.status as Status,
    supersededBy: row.superseded_by,
    metadata: JSON.parse(open("metadata", row.metadata)) as Record<string, unknown>,
  };
}
