/** @module Flag definitions shared by several commands, and parsing of the values citty leaves as strings. */
import type { ArgsDef } from "citty";
import type { Status } from "../domain/memory.ts";
import { STATUSES } from "../domain/memory.ts";
import { cairnError } from "../errors.ts";
import type { ScopeOptions } from "../engine/scope.ts";
import { parseTagList } from "../capture/normalize.ts";

export const jsonFlag = {
  json: { type: "boolean", description: "machine-readable JSON output on stdout" },
} as const satisfies ArgsDef;

/** Where a new memory goes: one project or the global scope (never "every project"). */
export const writeScopeFlags = {
  project: { type: "string", description: "project: its name as `cairn stats` shows it, a directory, or its git remote; default: the current directory's project", valueHint: "name|dir" },
  global: { type: "boolean", description: "the global scope (memories about the user, shared by all projects)" },
} as const satisfies ArgsDef;

/** Which memories a read looks at; default: the current project plus the global scope. */
export const scopeFlags = {
  ...writeScopeFlags,
  "all-projects": { type: "boolean", description: "every project" },
} as const satisfies ArgsDef;

export const filterFlags = {
  type: { type: "string", description: "only these types (comma-separated)", valueHint: "decision,lesson,…" },
  tags: { type: "string", description: "only memories with all of these tags (comma-separated)", valueHint: "a,b" },
  since: { type: "string", description: "only memories from this time on (ISO date or time, UTC unless it says; or 3d, 2w …)", valueHint: "time" },
  until: { type: "string", description: "only memories before this time", valueHint: "time" },
} as const satisfies ArgsDef;

/** Parses a whole-number flag, or returns `fallback` when it was not given. */
export function intFlag(name: string, value: unknown, fallback: number, min?: number): number;
export function intFlag(name: string, value: unknown, fallback: undefined, min?: number): number | undefined;
export function intFlag(name: string, value: unknown, fallback: number | undefined, min = 1): number | undefined {
  // An empty value (`--depth ""`, a shell variable left unset) is refused, not taken as no flag (QA).
  if (value === undefined) return fallback;
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) < min) throw cairnError("BAD_NUMBER", [name, String(value), min > 0 ? ` ≥ ${min}` : ""]);
  // Past what a number holds exactly (and the database takes as one): an internal error before (QA).
  if (Number(text) > Number.MAX_SAFE_INTEGER) throw cairnError("BAD_NUMBER", [name, String(value), ` from ${min} to ${Number.MAX_SAFE_INTEGER}`]);
  return Number(text);
}

/** Scope from --project / --global / --all-projects. */
export function scopeFrom(args: { project?: string; global?: boolean; "all-projects"?: boolean }): ScopeOptions {
  const given = (
    [
      ["--project", args.project !== undefined],
      ["--global", args.global === true],
      ["--all-projects", args["all-projects"] === true],
    ] as const
  ).filter(([, on]) => on);
  if (given.length > 1) throw cairnError("ONE_OF", [given.map(([flag]) => flag).join(" and ")]);
  if (args["all-projects"]) return { allProjects: true };
  if (args.global) return { project: null };
  if (args.project !== undefined) return projectWord(args.project);
  return {};
}

/**
 * `--project global` is the global scope and `--project all` every project, as the MCP tools' `project` argument
 * reads them (QA: the CLI made projects literally called "global" and "all", shown like the global scope).
 */
function projectWord(project: string): ScopeOptions {
  const word = project.trim().toLowerCase();
  if (word === "global") return { project: null };
  if (word === "all") return { allProjects: true };
  return { project };
}

/** Scope of a new memory from --project / --global: one project or the global scope, never every project. */
export function writeScopeFrom(args: { project?: string; global?: boolean }): { project?: string | null } {
  // An empty value names no project (QA: `edit --project ""` moved the memory to the working directory's).
  if (args.project !== undefined && args.project.trim() === "") throw cairnError("USAGE", ['--project "" names no project: give a project\'s name, key or directory, or --global.']);
  const scope = scopeFrom(args);
  if (scope.allProjects) throw cairnError("USAGE", ["A memory goes to one project or to the global scope: give --project a project's name, key or directory, or --global (--project all is for reading)."]);
  return scope.project === undefined ? {} : { project: scope.project };
}

export function listFlag(value: string | undefined): string[] | undefined {
  const list = parseTagList(value);
  return list.length > 0 ? list : undefined;
}

export function statusFlag(value: string | undefined): Status[] | undefined {
  if (value === undefined || value === "") return undefined;
  const wanted = value.split(",").map((s) => s.trim().toLowerCase());
  if (wanted.includes("all")) return [...STATUSES];
  for (const s of wanted) if (!(STATUSES as readonly string[]).includes(s)) throw cairnError("BAD_STATUS", [s]);
  return wanted as Status[];
}

/** Commands whose text is every positional word ({@link positionalText}): they take any number of them. */
export const WORDS_COMMANDS: ReadonlySet<string> = new Set(["remember", "recall", "remind"]);

/** All positional words joined, so `cairn remember we use pnpm` works without quotes. */
export function positionalText(args: { _: string[] }): string {
  return args._.join(" ");
}

/**
 * The action of a command with sub-actions (`cairn hold add`): the first of `actions` when none is given,
 * a usage error naming the allowed ones for anything else.
 */
export function actionArg<const T extends string>(command: string, given: string | undefined, actions: readonly [T, ...T[]]): T {
  const action = given ?? actions[0];
  if (!(actions as readonly string[]).includes(action)) {
    // One action is named alone: "Use  or rotate." said `cairn key bogus` (QA).
    const choices = actions.length === 1 ? actions[0] : `${actions.slice(0, -1).join(", ")} or ${actions.at(-1)}`;
    throw cairnError("UNKNOWN_ACTION", [command, action, choices]);
  }
  return action as T;
}

/**
 * Refuses an option the action does not read (`cairn hold list --tag x` listed every hold, as if no tag were
 * given): `readBy` names, for each option of the command's actions, the actions that read it. A boolean given
 * as false is not given.
 */
export function onlyOptions(command: string, action: string, args: Readonly<Record<string, unknown>>, readBy: Readonly<Record<string, readonly string[]>>): void {
  for (const [name, actions] of Object.entries(readBy)) {
    const value = args[name];
    if (value === undefined || value === false || actions.includes(action)) continue;
    const by = actions.map((a) => `\`cairn ${command} ${a}\``);
    const readers = by.length === 1 ? by[0] : `${by.slice(0, -1).join(", ")} or ${by.at(-1)}`;
    throw cairnError("USAGE", [`--${name} is for ${readers}, not \`cairn ${command} ${action}\`; nothing was changed.`]);
  }
}

/**
 * Refuses words an action does not read (`cairn hold list x` listed the holds and dropped the x): `words` are
 * the command's positionals after the action, in order; the action reads the first `takes` of them.
 */
export function onlyWords(command: string, action: string, words: ReadonlyArray<string | undefined>, takes = 0): void {
  const extra = words.slice(takes).find((w) => w !== undefined);
  if (extra === undefined) return;
  const reads = takes === 0 ? "takes no further argument" : `takes ${takes === 1 ? "one argument" : `${takes} arguments`}`;
  throw cairnError("USAGE", [`Unexpected argument "${extra}": \`cairn ${command} ${action}\` ${reads}. Quote a value that holds spaces; \`cairn ${command} --help\` shows the options.`]);
}
