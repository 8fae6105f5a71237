/** @module What a consolidated memory records of its making (engine/consolidate.ts writes it in its metadata). */
import type { Memory } from "./memory.ts";

/** The sources a consolidated memory records, or null when it is not one. */
export function consolidatedSources(memory: Memory): string[] | null {
  const c = memory.metadata.consolidated as { sources?: unknown } | undefined;
  return Array.isArray(c?.sources) && c.sources.every((s) => typeof s === "string") ? (c.sources as string[]) : null;
}
