/**
 * @module A byte for each memory's project in the index files (text-index.ts DocProjects, vector-file.ts): 0 for
 * a global memory, i + 1 for the i-th project met (stored keys: an encrypted store's are sealed), up to 254;
 * projects past them, and documents whose project was not read, get {@link UNKNOWN_PROJECT}, which a scoped
 * search never leaves out.
 */

import type { ProjectScope } from "./filter-sql.ts";

export const UNKNOWN_PROJECT = 0xff;

export class ProjectCoder {
  /** Code i + 1's stored project key. */
  readonly names: string[] = [];
  readonly #codes = new Map<string | null, number>([[null, 0]]);

  /** The code of `project` (stored form; null: global), given one on first sight while codes remain. */
  code(project: string | null): number {
    let c = this.#codes.get(project);
    if (c === undefined) {
      c = this.names.length + 1 < UNKNOWN_PROJECT ? this.names.push(project!) : UNKNOWN_PROJECT;
      this.#codes.set(project, c);
    }
    return c;
  }
}

/**
 * Which codes a search in `projects` (stored keys; null: every project) and, with `global`, the global scope
 * keeps, as a 256-byte table (1: kept), for an index whose codes stand for `names`. {@link UNKNOWN_PROJECT} is
 * always kept.
 */
export function acceptedCodes(names: readonly string[], projects: readonly string[] | null, global: boolean): Uint8Array {
  const accept = new Uint8Array(256);
  accept[0] = global ? 1 : 0;
  const wanted = projects === null ? null : new Set(projects);
  for (let i = 0; i < names.length && i + 1 < UNKNOWN_PROJECT; i++) accept[i + 1] = wanted === null || wanted.has(names[i]!) ? 1 : 0;
  accept[UNKNOWN_PROJECT] = 1;
  return accept;
}

/**
 * What an index made of the last scope it was searched in (a search repeats its scope: the current project), made
 * again only for another scope: `make` gets the codes it keeps ({@link acceptedCodes} for `names`). Undefined for
 * no scope, or one that keeps every project.
 */
export class LastScope<T> {
  #last: { key: string; value: T } | undefined;

  /** `stamp` names what else `make` read (an in-memory index's version): another stamp makes it again. */
  of(scope: ProjectScope | undefined, names: readonly string[], make: (accept: Uint8Array) => T, stamp = ""): T | undefined {
    if (!scope || (scope.projects === null && scope.global)) return undefined;
    const key = `${stamp}|${JSON.stringify(scope)}`;
    if (this.#last?.key !== key) this.#last = { key, value: make(acceptedCodes(names, scope.projects, scope.global)) };
    return this.#last.value;
  }
}
