/**
 * @module What a user or agent may call a project — the name cairn shows, its key (a git remote id or a
 * path), an old alias, a directory, a remote URL — resolved to the key its memories are stored under. An
 * unknown name is an error listing the known projects, never a silently empty answer.
 */
import { redactSecrets } from "../capture/redact.ts";
import { MAX_PROJECT_NAME, normaliseRemote, NOT_IN_NAMES, projectName } from "../domain/project.ts";
import { cairnError } from "../errors.ts";
import type { EngineContext } from "./context.ts";

export interface ProjectInfo {
  key: string;
  /** The short name cairn shows (the repository's base name). */
  name: string;
  /** Memories of any status. */
  count: number;
  /** Other names (old path keys) that resolve to this project. */
  aliases: string[];
}

/**
 * "read": the project must hold memories (or be the current one), so a typo cannot look like an empty project.
 * "write": a name nothing matches starts a new project under that name.
 */
export type ProjectUse = "read" | "write";

/** Projects that hold memories, most memories first, with their aliases. */
export function knownProjects(ctx: EngineContext): ProjectInfo[] {
  const aliases = ctx.store.projectAliases();
  return ctx.store.projects().map(({ project, count }) => ({
    key: project,
    name: projectName(project),
    count,
    aliases: aliases.filter((a) => a.project === project).map((a) => a.alias),
  }));
}

/** The key a project reference names; see {@link ProjectUse} for what happens when nothing matches. */
/**
 * The project a hold or retention rule names. The global scope is no project key a hold or rule can name (QA: it
 * said no project "global" holds memories, though `list --project global` lists them): said so, with the ways that do.
 */
export function policyProject(ctx: EngineContext, ref: string, what: "hold" | "retention rule"): string {
  if (ref.trim().toLowerCase() === "global") {
    throw cairnError("GLOBAL_NOT_PROJECT", [what, what === "hold" ? ", or hold one memory by --id" : ""]);
  }
  return resolveProject(ctx, ref, "read");
}

export { MAX_PROJECT_NAME, NOT_IN_NAMES };

export function resolveProject(ctx: EngineContext, ref: string, use: ProjectUse): string {
  const text = ref.trim();
  // Blank was taken for the current project, or moved nothing and said it had (QA: MCP update with "   ").
  if (text === "") throw cairnError("USAGE", ["The project is blank: give a project's name, key or directory (or \"global\"); nothing was changed."]);
  if (text === ctx.project) return text;
  const located = ctx.locateProject?.(text);
  if (located !== undefined) return located;
  const bare = text.length > 1 ? text.replace(/\/+$/, "") : text;
  const known = ctx.store.projectKeys();
  if (known.includes(bare)) return bare;
  const alias = ctx.store.projectAliases().find((a) => a.alias === bare);
  if (alias) return alias.project;
  const remote = normaliseRemote(text);
  if (remote !== null && (known.includes(remote) || remote === ctx.project)) return remote;
  const wanted = bare.toLowerCase();
  const byName = [...new Set([ctx.project, ...known])].filter((k) => projectName(k).toLowerCase() === wanted);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) throw cairnError("PROJECT_AMBIGUOUS", [text, byName.join(", ")]);
  if (use === "write") {
    // A new project's name is stored as given, never redacted: one holding a secret is refused (QA).
    const found = redactSecrets(text).redactions[0];
    if (found) throw cairnError("USAGE", [`The project name holds what looks like a secret (${found.kind}): project names are stored as given. Give a name without it; nothing was stored.`]);
    // Printed as given by every listing: an escape sequence or a line break in one reached the user's terminal (QA).
    if (NOT_IN_NAMES.test(text)) throw cairnError("USAGE", ["The project name holds control characters (an escape, a line break, NUL) or text-direction overrides: give a name without them; nothing was stored."]);
    // Printed whole in every listing row (QA: a 900 KB name was accepted).
    if (text.length > MAX_PROJECT_NAME) throw cairnError("USAGE", [`The project name is ${text.length} characters long; give one of at most ${MAX_PROJECT_NAME}. Nothing was stored.`]);
    return text;
  }
  throw cairnError("PROJECT_UNKNOWN", [text, describeKnown(ctx)]);
}

/** A write's `project` option: a reference resolved for writing; null (global) and undefined (default) as they are. */
export function writeProject(ctx: EngineContext, project: string | null | undefined): string | null | undefined {
  return typeof project === "string" ? resolveProject(ctx, project, "write") : project;
}

/**
 * Whether a memory moved by an edit went into a project no memory was in (`known`: the project keys read before
 * the edit): said to the user or agent, in case of a typo, as `remember` says it (QA: an MCP update moved a
 * decision into "payements" silently).
 */
export function startedProject(known: ReadonlySet<string>, moved: { project: string | null }, current: string): boolean {
  return moved.project !== null && moved.project !== current && !known.has(moved.project);
}

/** An imported record's project: an old alias or a unique display name becomes the project's key; anything else is kept as written. */
export function importedProject(aliases: ReadonlyMap<string, string>, project: string | null | undefined): string | null | undefined {
  if (typeof project !== "string") return project;
  const name = project.trim();
  return aliases.get(name) ?? name;
}

const SHOWN = 20;

function describeKnown(ctx: EngineContext): string {
  const projects = knownProjects(ctx);
  if (projects.length === 0) return "none yet (only global memories are stored)";
  const shown = projects.slice(0, SHOWN).map((p) => (p.name === p.key ? p.key : `${p.name} (${p.key})`));
  return projects.length > SHOWN ? `${shown.join(", ")} and ${projects.length - SHOWN} more` : shown.join(", ");
}
