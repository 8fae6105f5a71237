/** @module The stable external shape of a memory (snake_case, ISO times): JSON output, export and import. */
import type { Memory } from "./memory.ts";
import { toIso } from "./time.ts";

export interface MemoryJson {
  id: string;
  content: string;
  type: string;
  tags: string[];
  project: string | null;
  event_time: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  priority: number;
  status: string;
  superseded_by: string | null;
  session_id: string | null;
  agent: string | null;
  source: string | null;
  access_count: number;
  last_accessed_at: string | null;
  metadata: Record<string, unknown>;
  /** Links from this memory to others (export writes them; import restores those whose target exists). */
  links?: LinkJson[];
}

export interface LinkJson {
  relation: string;
  to: string;
  created_at: string;
  /** A possible conflict remember kept, not a link anyone made (domain/edge.ts POSSIBLE_CHANGE). */
  possible?: true;
  /** How that possible conflict was settled: confirmed or dismissed (domain/edge.ts SETTLED). */
  settled?: "conflict" | "not_conflict";
  /** A `supersedes` link whose retirement was undone (domain/edge.ts UNDONE). */
  undone?: true;
}

export function memoryToJson(m: Memory): MemoryJson {
  return {
    id: m.id,
    content: m.content,
    type: m.type,
    tags: m.tags,
    project: m.project,
    event_time: toIso(m.eventTime),
    created_at: toIso(m.createdAt)!,
    updated_at: toIso(m.updatedAt)!,
    expires_at: toIso(m.expiresAt),
    priority: m.priority,
    status: m.status,
    superseded_by: m.supersededBy,
    session_id: m.sessionId,
    agent: m.agent,
    source: m.source,
    access_count: m.accessCount,
    last_accessed_at: toIso(m.lastAccessedAt),
    metadata: m.metadata,
  };
}

/** The compact shape of one recall result, shared by `cairn recall --json` and the MCP `recall` tool. */
export interface RecallHitJson {
  id: string;
  content: string;
  type: string;
  score: number;
  project: string | null;
  created_at: string;
  event_time: string | null;
  tags: string[];
  truncated?: true;
  /** Only on a memory that is not active (recall with superseded memories included): what it is now. */
  status?: string;
  superseded_by?: string | null;
  /** Only on a memory that came with a linked result: that result's id and the relation, read from it. */
  linked?: { from: string; relation: string; direction: "from_hit" | "to_hit" };
}

export function recallHitToJson(hit: { memory: Memory; score: number; truncated: boolean; linked?: { from: string; relation: string; outgoing: boolean } }): RecallHitJson {
  const m = hit.memory;
  return {
    id: m.id,
    content: m.content,
    type: m.type,
    score: Math.round(hit.score * 10_000) / 10_000,
    project: m.project,
    created_at: toIso(m.createdAt)!,
    event_time: toIso(m.eventTime),
    tags: m.tags,
    ...(hit.truncated ? { truncated: true as const } : {}),
    ...(m.status !== "active" ? { status: m.status, superseded_by: m.supersededBy } : {}),
    ...(hit.linked ? { linked: { from: hit.linked.from, relation: hit.linked.relation, direction: hit.linked.outgoing ? ("from_hit" as const) : ("to_hit" as const) } } : {}),
  };
}
