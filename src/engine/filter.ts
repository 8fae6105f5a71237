/** @module Turning caller options (scope, types, tags, time range, statuses) into a validated {@link MemoryFilter}. */
import type { MemoryFilter, Status } from "../domain/memory.ts";
import { toIso } from "../domain/time.ts";
import { cairnError } from "../errors.ts";
import type { EngineContext } from "./context.ts";
import { resolveScope, type ScopeOptions } from "./scope.ts";
import { checkType } from "./validate.ts";

export interface FilterOptions extends ScopeOptions {
  types?: string[];
  tags?: string[];
  since?: number;
  until?: number;
  statuses?: Status[];
  includeExpired?: boolean;
}

export function resolveFilter(ctx: EngineContext, input: FilterOptions): MemoryFilter {
  // An empty range is a mistake, not a question with no answer (it would read as "nothing matches").
  if (input.since !== undefined && input.until !== undefined && input.since >= input.until) {
    throw cairnError("EMPTY_RANGE", [toIso(input.since)!, toIso(input.until)!]);
  }
  return {
    scope: resolveScope(ctx, input),
    types: input.types?.map((t) => checkType(t)),
    tags: input.tags,
    since: input.since,
    until: input.until,
    statuses: input.statuses,
    includeExpired: input.includeExpired,
  };
}
