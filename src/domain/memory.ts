/** @module The memory record and the shapes that move between layers. */
import type { MemoryType } from "./kinds.ts";

export const STATUSES = ["active", "superseded", "archived"] as const;
export type Status = (typeof STATUSES)[number];

/** A stored memory. Times are milliseconds since the epoch (UTC). `project: null` is the global scope. */
export interface Memory {
  id: string;
  content: string;
  type: MemoryType;
  tags: string[];
  project: string | null;
  sessionId: string | null;
  agent: string | null;
  source: string | null;
  createdAt: number;
  updatedAt: number;
  /** When the remembered thing happened, if that differs from when it was stored. */
  eventTime: number | null;
  expiresAt: number | null;
  priority: number;
  accessCount: number;
  lastAccessedAt: number | null;
  contentHash: string;
  canonicalHash: string;
  status: Status;
  supersededBy: string | null;
  metadata: Record<string, unknown>;
}

/** Which memories an operation may see. `projects` lists project keys; `includeGlobal` adds the global scope. */
/**
 * When what a memory states held: its event time, else when it was written. "The staging database ran PostgreSQL
 * 12" dated 2020 and written today is older than "… runs PostgreSQL 16" written last week (QA: it was moved ahead
 * of it as the later statement).
 */
export const statedAt = (m: Pick<Memory, "eventTime" | "createdAt">): number => m.eventTime ?? m.createdAt;

/**
 * Whether `newer` is the later of two statements: written after `older` (by at least `byMs`), and not about an
 * earlier time than it ({@link statedAt}). Both must hold: event times alone would make every dated note an update
 * of the one dated before it (a question naming March then got May's).
 */
export const laterThan = (newer: Pick<Memory, "eventTime" | "createdAt">, older: Pick<Memory, "eventTime" | "createdAt">, byMs = 1): boolean =>
  newer.createdAt >= older.createdAt + byMs && statedAt(newer) >= statedAt(older);

/**
 * {@link laterThan}, or written after `older` (by any time) and about a time at least `byMs` later: history written
 * down in one sitting with event times (`remember --event-time`, an import without creation dates) has its
 * statements a second apart and their times months apart.
 */
export const statedLater = (newer: Pick<Memory, "eventTime" | "createdAt">, older: Pick<Memory, "eventTime" | "createdAt">, byMs: number): boolean =>
  laterThan(newer, older, byMs) || (newer.createdAt >= older.createdAt && statedAt(newer) >= statedAt(older) + byMs);

export interface Scope {
  /** null = every project. */
  projects: string[] | null;
  includeGlobal: boolean;
}

/** Filters shared by list, recall and export. */
export interface MemoryFilter {
  scope: Scope;
  types?: MemoryType[];
  tags?: string[];
  /** Inclusive lower bound on the memory's time (event time when known, else creation time). */
  since?: number;
  /** Exclusive upper bound on the memory's time. */
  until?: number;
  /** Statuses to include; default active only. */
  statuses?: Status[];
  /** Include memories whose TTL has passed (default false). */
  includeExpired?: boolean;
}
