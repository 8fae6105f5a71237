/** @module Reading the ui's query strings into engine inputs (scope, filters, numbers), with the CLI's checks. */
import type { Status } from "../domain/memory.ts";
import { STATUSES } from "../domain/memory.ts";
import { parseOptionalTime, parseOptionalUntil } from "../domain/time.ts";
import type { FilterOptions } from "../engine/filter.ts";
import { cairnError } from "../errors.ts";
import { parseTagList } from "../capture/normalize.ts";

/** "" or "all": every project; "global": the global scope only; anything else names a project. */
export function scopeParam(q: URLSearchParams): Pick<FilterOptions, "project" | "allProjects"> {
  const p = (q.get("project") ?? "").trim();
  if (p === "" || p === "all") return { allProjects: true };
  if (p === "global") return { project: null };
  return { project: p };
}

export function filterParams(q: URLSearchParams, now: number): FilterOptions {
  const list = (name: string) => {
    const l = parseTagList(q.get(name) ?? "");
    return l.length > 0 ? l : undefined;
  };
  return {
    ...scopeParam(q),
    types: list("type"),
    tags: list("tag"),
    since: parseOptionalTime(q.get("since") || undefined, now),
    until: parseOptionalUntil(q.get("until") || undefined, now),
    statuses: statusParam(q.get("status")),
  };
}

function statusParam(value: string | null): Status[] | undefined {
  if (!value) return undefined;
  if (value === "all") return [...STATUSES];
  if (!(STATUSES as readonly string[]).includes(value)) throw cairnError("BAD_STATUS", [value]);
  return [value as Status];
}

export function intParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const v = q.get(name);
  if (v === null || v === "") return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) throw cairnError("USAGE", [`${name} must be a whole number ≥ ${min}, got "${v}".`]);
  return Math.min(Number(v), max);
}
