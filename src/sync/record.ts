/**
 * @module What one sealed record says: a memory's whole state as its device last wrote it (with the links it
 * starts), or that it was erased. Hybrid logical clocks with the device id as tie-break order every version
 * of a memory the same way on every device. Access counts and content hashes never travel: the first is
 * each device's own statistic, the second is recomputed where the record is applied.
 */
import type { Edge } from "../domain/edge.ts";
import type { Memory } from "../domain/memory.ts";
import { onTimeline } from "../domain/time.ts";

export type SyncedMemory = Omit<Memory, "accessCount" | "lastAccessedAt" | "contentHash" | "canonicalHash">;
export interface SyncedLink { to: string; relation: string; weight: number; createdAt: number; metadata: Record<string, unknown> }

export type ChangeRecord =
  /** `eraseHistory`: the memory's old versions were erased where it was written; every device erases its copies. */
  | { op: "put"; id: string; hlc: number; device: string; memory: SyncedMemory; links: SyncedLink[]; eraseHistory?: true }
  | { op: "erase"; id: string; hlc: number; device: string };

/** > 0 when version a is newer than version b: the later clock, then the larger device id. */
export function compareVersions(a: { hlc: number; device: string }, b: { hlc: number; device: string }): number {
  if (a.hlc !== b.hlc) return a.hlc - b.hlc;
  return a.device < b.device ? -1 : a.device > b.device ? 1 : 0;
}

export function putRecord(m: Memory, edges: readonly Edge[], hlc: number, device: string): ChangeRecord {
  const { accessCount: _a, lastAccessedAt: _l, contentHash: _c, canonicalHash: _h, ...memory } = m;
  const links = edges
    .filter((e) => e.fromId === m.id)
    .map((e) => ({ to: e.toId, relation: e.relation, weight: e.weight, createdAt: e.createdAt, metadata: e.metadata }));
  return { op: "put", id: m.id, hlc, device, memory, links };
}

/** Parses and checks a record's shape (its integrity is already proven by the seal). */
export function parseRecord(text: string): ChangeRecord | null {
  try {
    const r = JSON.parse(text) as ChangeRecord;
    if (typeof r.id !== "string" || typeof r.hlc !== "number" || typeof r.device !== "string") return null;
    if (r.op === "erase") return r;
    if (r.op !== "put" || typeof r.memory !== "object" || r.memory === null || r.memory.id !== r.id || !Array.isArray(r.links)) return null;
    // A time no calendar holds (a device on an older cairn took one) would make every list of this store fail.
    const m = r.memory;
    const times = [m.createdAt, m.updatedAt, m.eventTime, m.expiresAt, ...r.links.map((l) => l?.createdAt)];
    if (!times.every((t) => t === null || t === undefined || (typeof t === "number" && onTimeline(t))) || !onTimeline(m.createdAt)) return null;
    return r;
  } catch {
    return null;
  }
}
