/** @module Turning "which projects?" options into a {@link Scope}. */
import type { Scope } from "../domain/memory.ts";
import type { EngineContext } from "./context.ts";

export interface ScopeOptions {
  /** A project key; null = only the global scope. Undefined = the current project. */
  project?: string | null;
  /** Every project (and the global scope). */
  allProjects?: boolean;
  /** Add the global scope to a project scope (default true). */
  includeGlobal?: boolean;
}

export function resolveScope(ctx: EngineContext, opts: ScopeOptions): Scope {
  if (opts.allProjects) return { projects: null, includeGlobal: true };
  if (opts.project === null) return { projects: [], includeGlobal: true };
  return { projects: [opts.project ?? ctx.project], includeGlobal: opts.includeGlobal ?? true };
}
