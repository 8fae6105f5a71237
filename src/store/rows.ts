/** @module Mapping between `memories` rows and {@link Memory} records. */
import type { MemoryType } from "../domain/kinds.ts";
import type { Memory, Status } from "../domain/memory.ts";
import { decodeContent } from "./content-codec.ts";

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

export function rowToMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    content: decodeContent(row.content),
    type: row.type as MemoryType,
    tags: JSON.parse(row.tags) as string[],
    project: row.project,
    sessionId: row.session_id,
    agent: row.agent,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    eventTime: row.event_time,
    expiresAt: row.expires_at,
    priority: row.priority,
    accessCount: row.access_count,
    lastAccessedAt: row.last_accessed_at,
    contentHash: row.content_hash,
    canonicalHash: row.canonical_hash,
    status: row.status as Status,
    supersededBy: row.superseded_by,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  };
}
