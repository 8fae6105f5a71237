/**
 * @module Rules that chose another tool of the kind a command runs: `yarn add lodash` in a repository whose
 * decision says "This repo uses pnpm for everything", `pip install` where "Python dependencies are managed
 * with Poetry", `terraform apply` where "infrastructure is provisioned with Pulumi". The rule shares no word
 * with the command, so the word-overlap rules of governing.ts cannot find it; the written list of things one
 * picks one of (capture/alternatives.ts) can. Only kinds of tools a command runs count: a `python` command
 * is not governed by "the CLI is written in Rust".
 */
import { aliasesOf, namedAlternatives, namesOfKind } from "../capture/alternatives.ts";
import type { Memory } from "../domain/memory.ts";
import { commandHead } from "./command.ts";
import type { HookContext } from "./context.ts";
import { retires } from "./governing.ts";

/** Kinds of tools a shell command runs, whose choice a project's decision or a user's preference states. */
const COMMAND_KINDS = new Set([
  "JavaScript package manager", "Python package manager", "JavaScript test runner", "Python test runner",
  "browser test tool", "bundler", "ORM", "migration tool", "infrastructure-as-code tool",
  "configuration management tool", "deploy tool", "container engine", "formatter", "linter", "type checker",
  "JVM build tool", "monorepo tool", "Python app server",
  // `heroku releases` where "Ledgerly now deploys to Fly.io" (QA): each platform's CLI is named after it.
  "hosting platform",
]);
/**
 * Kinds a project often uses several of at once (the site on Vercel, the API on Fly.io): the newest choice of
 * another counts only as replacing an older choice of the command's own (QA: Heroku, then "now deploys to
 * Fly.io"). Shown against any `vercel` or `heroku` command, it cost inject-h a wanted-nothing injection.
 */
const SEVERAL_AT_ONCE = new Set(["hosting platform"]);
const CANDIDATES = 10;
const CHOICE_TYPES = ["decision", "preference", "fact"];

/**
 * The newest active decision, preference or fact naming, as what is used, a tool of the kind the command's program
 * is, when that is another tool: named not inside a quoted command ("… must pass in `pnpm lint`") nor as what
 * it replaced or forbids ("instead of pip installing"). When the newest names the command's own tool, the
 * command follows the current choice ("uv for everything now" after "manage deps with poetry", before `uv run`).
 */
export async function otherChoice(ctx: HookContext, command: string, limit: number): Promise<Memory[]> {
  const program = commandHead(command, 1)[0];
  if (!program) return [];
  const named = [...namedAlternatives(program)].find(([kind]) => COMMAND_KINDS.has(kind));
  if (!named) return [];
  const [kind, used] = named;
  // One word each, or dotted (`fly.io`: the keyword query reads it as a phrase); not `argo cd`, two loose words.
  const words = namesOfKind(kind).filter((n) => /^[\p{L}\p{N}]+(?:\.[\p{L}\p{N}]+)*$/u.test(n));
  const { results } = await ctx.engine().recall({ query: words.join(" "), mode: "keyword", types: CHOICE_TYPES, limit: CANDIDATES, track: false, abstain: false });
  const choices = results
    .map((r) => ({ memory: r.memory, chosen: chosenOf(r.memory.content, kind) }))
    .filter((c) => c.chosen.size > 0)
    .sort((a, b) => b.memory.createdAt - a.memory.createdAt);
  // The newest choice is the one that holds ("uv for everything now; I moved off poetry" over "manage deps
  // with poetry"); when it names the command's own tool, the command follows it.
  const current = choices[0];
  if (!current || [...current.chosen].some((n) => used.has(n))) return [];
  if (SEVERAL_AT_ONCE.has(kind) && !choices.slice(1).some((c) => [...c.chosen].some((n) => used.has(n)))) return [];
  const skip = new Set([...ctx.state.created, ...ctx.state.surfaced]);
  return skip.has(current.memory.id) || limit < 1 ? [] : [current.memory];
}

/**
 * The tools of `kind` a memory names as used: outside quoted commands, and not as what it retires or calls old
 * ("Migrations are now generated with drizzle-kit; the old knex migration folder is frozen" chooses drizzle, not
 * knex, QA).
 */
function chosenOf(content: string, kind: string): Set<string> {
  const prose = content.replace(/`[^`]*`/g, " ");
  const names = namedAlternatives(prose).get(kind) ?? new Set<string>();
  return new Set([...names].filter((n) => !aliasesOf(n).some((alias) => retires(prose, alias) || calledOld(prose, alias))));
}

/** Whether `prose` writes `name` as the old one ("the old knex migration folder", "our legacy Heroku app"). */
function calledOld(prose: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`\\b(?:old|former|legacy|previous)\\s+${escaped}(?![\\w-])`, "i").test(prose);
}
