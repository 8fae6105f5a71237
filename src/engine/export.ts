/** @module Export: every memory matching a filter, as records in the stable JSON shape `cairn import` reads back. */
import { conflictState, type Edge, UNDONE } from "../domain/edge.ts";
import type { MemoryFilter } from "../domain/memory.ts";
import { type LinkJson, memoryToJson, type MemoryJson } from "../domain/serialize.ts";
import type { EngineContext } from "./context.ts";

/** Every memory matching `filter`, oldest first, as export records, read a page at a time (store.listAll). */
export function* exportRecords(ctx: EngineContext, filter: MemoryFilter): Generator<MemoryJson> {
  for (const m of ctx.store.listAll(filter, ctx.now(), "oldest")) {
    // Each link is written once, on the memory it starts from.
    const links = ctx.store.edges(m.id).filter((e) => e.fromId === m.id);
    const json = memoryToJson(m);
    yield links.length === 0 ? json : { ...json, links: links.map(linkToJson) };
  }
}

/** A link as export writes it; a possible conflict remember kept says so, and how it was settled (import reads both back). */
function linkToJson(e: Edge): LinkJson {
  const state = conflictState(e.metadata);
  return {
    relation: e.relation,
    to: e.toId,
    created_at: new Date(e.createdAt).toISOString(),
    ...(state === "none" ? {} : { possible: true }),
    ...(state === "conflict" || state === "not_conflict" ? { settled: state } : {}),
    // An undone supersede stays undone where the file is imported (QA re-check: a restore brought it back).
    ...(e.metadata[UNDONE] !== undefined ? { undone: true as const } : {}),
  };
}
