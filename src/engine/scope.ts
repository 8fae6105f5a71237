/** @module Turning "which projects?" options into a {@link Scope}. */
import type { Scope } from "../domain/memory.ts";
import type { EngineContext } from "./context.ts";
import { resolveProject } from "./projects.ts";

export interface ScopeOptions {
  /**
   * A project as the user names it (display name, key, alias, directory, remote URL; see projects.ts);
   * null = only the global scope. Undefined = the current project.
   */
  project?: string | null;
  /** Every project (and the global scope). */
  allProjects?: boolean;
  /** Add the global scope to a project scope (default true). */
  includeGlobal?: boolean;
}

export function resolveScope(ctx: EngineContext, opts: ScopeOptions): Scope {
  if (opts.allProjects) return { projects: null, includeGlobal: true };
  if (opts.project === null) return { projects: [], includeGlobal: true };
  const project = opts.project === undefined ? ctx.project : resolveProject(ctx, opts.project, "read");
  return { projects: [project], includeGlobal: opts.includeGlobal ?? true };
}

/** One project, or only the global scope: where a memory of `project` lives, without the global scope mixed in. */
export function exactScope(project: string | null): Scope {
  return project === null ? { projects: [], includeGlobal: true } : { projects: [project], includeGlobal: false };
}
