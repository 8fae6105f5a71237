/** @module Listing memories by filter, newest first, and the store-wide numbers behind `cairn stats`. */
import type { Memory } from "../domain/memory.ts";
import { cairnError } from "../errors.ts";
import type { ListOptions } from "../store/store.ts";
import type { EngineContext } from "./context.ts";
import { type FilterOptions, resolveFilter } from "./filter.ts";

export interface ListInput extends FilterOptions {
  limit?: number;
  offset?: number;
  order?: ListOptions["order"];
  by?: ListOptions["by"];
}

export interface ListResult {
  memories: Memory[];
  /** How many memories match in all (for paging). */
  total: number;
}

export function listMemories(ctx: EngineContext, input: ListInput): ListResult {
  const limit = input.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1) throw cairnError("BAD_LIMIT", [String(limit)]);
  const filter = resolveFilter(ctx, input);
  const now = ctx.now();
  return {
    memories: ctx.store.list(filter, now, { limit, offset: input.offset, order: input.order, by: input.by }),
    total: ctx.store.count(filter, now),
  };
}
