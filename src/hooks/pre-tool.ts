/**
 * @module PreToolUse (Edit/Write/MultiEdit/Bash): before a file is edited or a command runs, surface the
 * lessons and past errors that name that exact file or command, the notes that write the command out, and the
 * rules that govern it (also those choosing another tool of its kind: other-choice.ts) — at most 3, and each
 * at most once per session, so routine edits stay silent.
 */
import type { Memory } from "../domain/memory.ts";
import { commandHead, headCutByFlag, namesFile } from "./command.ts";
import type { HookContext } from "./context.ts";
import { noteStep } from "./post-tool.ts";
import { bullet, oneLine } from "./format.ts";
import { aliasesOf, namedAlternatives } from "../capture/alternatives.ts";
import { governedKey, governingRules, retires } from "./governing.ts";
import { otherChoice } from "./other-choice.ts";
import { nearCommand } from "./pre-tool-meaning.ts";
import { quotingCommand } from "./quoted-command.ts";
import { coverage, queryTerms } from "./relevance.ts";

export const PRE_TOOL_LIMIT = 3;
/** Candidates read before fixed errors are swapped for their fixes and the list is cut. */
const CANDIDATES = 10;

/** File names that say little on their own: these need their directory to count as a mention. */
const GENERIC_NAMES = /^(index|main|mod|lib|utils?|types?|init|__init__|app|config|constants|helpers?|test|spec)\.[\w]+$/i;

/** Directory names that say nothing about what lives in them. */
const GENERIC_DIRS = new Set(["src", "lib", "app", "apps", "internal", "pkg", "cmd", "components", "test", "tests", "spec", "utils", "packages", "web", "server", "client", "public", "dist", "build", "docs", "scripts", "api", "models", "handlers", "http"]);

/**
 * The text a memory must mention for the tool call to be "about" it, and how to name it to the agent. For an
 * edit, `more` are weaker mentions that only rules and lessons count on: the file's name without its
 * extension when distinctive (`readyz` for readyz.go, `fct_sessions`), its directory path when that is
 * specific (`http/gen` for internal/http/gen/server.gen.go), and its directory with its extension, as
 * notes write globs (`queries/*.sql`).
 */
export function subject(ctx: HookContext): { mention: string; label: string; more: string[] } | null {
  const { toolKind, filePath, command } = ctx.input;
  if (toolKind === "edit" && filePath) {
    const parts = filePath.split(/[\\/]/).filter(Boolean);
    const base = parts.at(-1) ?? "";
    if (base === "") return null;
    const mention = GENERIC_NAMES.test(base) && parts.length > 1 ? `${parts.at(-2)}/${base}` : base;
    return { mention, label: mention, more: weakerMentions(parts) };
  }
  if (toolKind === "shell" && command) {
    const head = commandHead(command);
    if (head.length === 0) return null;
    return { mention: head.join(" "), label: `\`${head.join(" ")}\``, more: [] };
  }
  return null;
}

function weakerMentions(parts: readonly string[]): string[] {
  const base = parts.at(-1)!;
  const dot = base.indexOf(".", 1);
  const name = dot > 0 ? base.slice(0, dot) : base;
  const ext = dot > 0 ? base.slice(base.lastIndexOf(".") + 1) : "";
  const dirs = parts.slice(0, -1);
  const out: string[] = [];
  if (name.length >= 5 && !GENERIC_NAMES.test(`${name}.x`) && !GENERIC_DIRS.has(name.toLowerCase())) out.push(name);
  const [parent, grand] = [dirs.at(-1), dirs.at(-2)];
  if (parent && grand && !(GENERIC_DIRS.has(parent) && GENERIC_DIRS.has(grand))) out.push(`${grand}/${parent}`);
  if (parent && ext && !GENERIC_DIRS.has(parent)) out.push(`${parent}/${ext}`);
  return out;
}

/** A weaker mention counts only while this few memories contain it: "payments" in payments-api is in half of them. */
const WEAK_MAX_MEMORIES = 3;

function specific(ctx: HookContext, more: readonly string[]): string[] {
  const terms = more.map((m) => queryTerms(m.replace(/\s+/g, "_"))[0]?.match ?? "");
  const { counts } = ctx.engine().store.termStats(terms.filter((t) => t !== ""));
  let i = 0;
  return more.filter((_, k) => terms[k] !== "" && counts[i++]! <= WEAK_MAX_MEMORIES);
}

/**
 * What a command's lessons and errors must mention: its head, or with its sub-command when more than
 * {@link WEAK_MAX_MEMORIES} memories hold the head. In a Laravel or Flutter project `sail artisan` and `fvm
 * flutter` start most commands, and a lesson about `sail artisan scout:import` is not about `sail artisan
 * tinker` (inject-d bash precision 0.306 → 0.367, other sets unchanged). None when a flag cuts the head to the
 * program alone (`pnpm -F db exec prisma db push`, `julia --project=. -e '…'`): on blind sets c–g such heads
 * found 3 wanted memories and 46 unwanted; quoted-command.ts reads past the flags instead.
 */
function commandMention(ctx: HookContext, head: string): string {
  const { toolKind, command } = ctx.input;
  if (toolKind !== "shell" || !command) return head;
  if (headCutByFlag(command)) return "";
  const longer = commandHead(command, 3);
  return longer.length === 3 && specific(ctx, [head]).length === 0 ? longer.join(" ") : head;
}

/**
 * Kinds a note naming the edited file itself may be: lessons and errors, and the rules (decisions, preferences)
 * written about that file. On the blind inject sets, decisions and preferences naming the file were wanted 16 times
 * of 23 (fit half) and 14 of 22 (held out); facts naming it 9 of 32, and stay out.
 */
const EDIT_TYPES = ["lesson", "error", "decision", "preference"];

/** Kinds a weaker mention of the edited file may surface: rules and lessons, not every past error near it. */
const WEAK_TYPES = ["lesson", "decision", "preference"];

export async function preTool(ctx: HookContext): Promise<string | null> {
  // An edit made while a command is failing is a step toward its fix, even when its PostToolUse never arrives:
  // the lesson would otherwise say the command "passed when simply re-run (flaky?)".
  if (ctx.input.toolKind === "edit" && ctx.input.filePath) noteStep(ctx, `editing ${ctx.input.filePath.split(/[\\/]/).pop()}`);
  const about = subject(ctx);
  if (!about || !ctx.hasMemory()) return null;
  const exact = await mentions(ctx, commandMention(ctx, about.mention), ctx.input.toolKind === "edit" ? EDIT_TYPES : ["lesson", "error"], CANDIDATES);
  for (const m of specific(ctx, about.more)) exact.push(...(await mentions(ctx, m, WEAK_TYPES, CANDIDATES)));
  const { command } = ctx.input;
  if (ctx.input.toolKind === "shell" && command) {
    for (const m of await retiredOnAnyFile(ctx, command)) if (!exact.some((e) => e.id === m.id)) exact.push(m);
    // Notes that write out this command past its program and first argument, then (model loaded) errors and
    // lessons close in meaning that share two of its words.
    for (const m of [...(await quotingCommand(ctx, command)), ...(await nearCommand(ctx, command))]) if (!exact.some((e) => e.id === m.id)) exact.push(m);
  }
  const found = withFixes(ctx, exact).slice(0, PRE_TOOL_LIMIT);
  const governed: string[] = [];
  if (ctx.input.toolKind === "shell" && command && found.length < PRE_TOOL_LIMIT) {
    const add = (rules: Memory[]) => {
      for (const rule of rules) if (found.length < PRE_TOOL_LIMIT && !found.some((m) => m.id === rule.id)) found.push(rule);
    };
    const rules = await governingRules(ctx, command, PRE_TOOL_LIMIT, true);
    add(rules);
    governed.push(...rules.filter((r) => found.some((m) => m.id === r.id)).map((r) => governedKey(r.id, command)));
    // Another tool's choice costs a search of its own: asked only while there is room for it.
    if (found.length < PRE_TOOL_LIMIT) add(await otherChoice(ctx, command, PRE_TOOL_LIMIT));
  }
  if (found.length === 0) return null;
  const engine = ctx.engine();
  engine.store.touch(found.map((m) => m.id), engine.now());
  const state = ctx.touchState();
  state.surfaced.push(...found.map((m) => m.id));
  state.governed.push(...governed);
  const rules = found.some((m) => m.type === "decision" || m.type === "preference");
  const what = rules ? "decisions, preferences and earlier lessons" : "earlier lessons and errors";
  // A rule a later note may have changed says so, as the session's briefing does (QA: "always pnpm, never npm"
  // was shown alone before `npm install` after "we switched from pnpm to bun").
  // Only a later note retiring a tool the rule names ("use bun instead of pnpm"): write-time flags are guesses, and
  // on the blind inject sets the others ("Use the gh CLI …" against "Never push to main") were noise.
  const later = engine.laterChanges(found.filter((m) => m.type === "decision" || m.type === "preference"));
  const line = (m: Memory) => {
    const by = later.get(m.id);
    if (by && retiresOneOf(by.content, m.content)) return `${bullet(m, 400, true)} — a later note may change this: "${oneLine(by.content, 200)}"`;
    return bullet(m, 400, true);
  };
  return [`cairn memory — ${what} about ${about.label}:`, ...found.map(line)].join("\n");
}

/**
 * Lessons and errors that retire the program a command runs on a file (`ts-node scripts/seed.ts`: "… fix: run them
 * with tsx instead of ts-node"): about every run of it, though they never name the file the head holds (QA). Only
 * those: a note naming the program alone is about another of its runs (on the blind inject sets, showing every
 * lesson naming a rare program run on a file cost bash precision and silence on g, j and l).
 */
async function retiredOnAnyFile(ctx: HookContext, command: string): Promise<Memory[]> {
  const [program, arg] = commandHead(command, 2);
  if (!program || !arg || !namesFile(arg)) return [];
  return (await mentions(ctx, program, ["lesson", "error"], CANDIDATES)).filter((m) => retires(m.content, program));
}

/**
 * An error that has a fix (a memory linked to it by `fixes`) is settled: the fix is shown in its place,
 * never the error itself. Each memory appears once, and none this session already saw or wrote.
 */
function withFixes(ctx: HookContext, found: Memory[]): Memory[] {
  const engine = ctx.engine();
  const skip = new Set([...ctx.state.created, ...ctx.state.surfaced, ...ctx.state.briefed]);
  const out: Memory[] = [];
  const add = (m: Memory | null) => {
    if (m && m.status === "active" && !skip.has(m.id) && !out.some((o) => o.id === m.id)) out.push(m);
  };
  for (const m of found) {
    if (m.type !== "error") {
      add(m);
      continue;
    }
    const fixes = engine.links(m.id).filter((l) => l.relation === "fixes" && l.direction === "in").map((l) => engine.store.get(l.id));
    if (fixes.some((f) => f?.status === "active")) fixes.forEach(add);
    else add(m);
  }
  return out;
}

/** Memories of `types` that mention all of `mention` (as a phrase), not yet shown or written this session. */
export async function mentions(ctx: HookContext, mention: string, types: string[], limit = PRE_TOOL_LIMIT): Promise<Memory[]> {
  // One phrase term: `npm test` must appear as "npm test", not as "npm" somewhere and "test" elsewhere.
  // Joined by "_", the words form one chunk, which the query builder turns into an FTS phrase query.
  const phrase = mention.trim().replace(/\s+/g, "_");
  const terms = queryTerms(phrase);
  if (terms.length === 0) return [];
  const { results } = await ctx.engine().recall({ query: phrase, mode: "keyword", types, limit: 10, track: false, abstain: false });
  const skip = new Set([...ctx.state.created, ...ctx.state.surfaced, ...ctx.state.briefed]);
  const seen = new Set<string>();
  const { command } = ctx.input;
  return results
    .map((r) => r.memory)
    .filter((m) => !skip.has(m.id) && !seen.has(m.id) && seen.add(m.id))
    .filter((m) => !(ctx.input.toolKind === "shell" && command && aboutAnotherCommand(m, command)))
    .filter((m) => {
      const c = coverage(terms, m);
      return c.matched === c.total;
    })
    .slice(0, limit);
}

/** What hooks write an error or lesson about: "`pnpm test` failed …". */
const FAILED = /^`([^`]+)` failed\b/;

/**
 * Whether `m` is a lesson or error hooks wrote about another command than `command` (its program and first
 * argument differ), which names this one only as its fix ("`pnpm test` failed …; it passed after running
 * `pnpm add -D …`"): not about `pnpm add zod`, and shown there it was not shown before `pnpm test` (QA).
 */
function aboutAnotherCommand(m: Memory, command: string): boolean {
  const failed = m.source === "hook" ? FAILED.exec(m.content)?.[1] : undefined;
  if (failed === undefined) return false;
  const head = (c: string) => commandHead(c, 2).join(" ").toLowerCase();
  return head(failed) !== head(command);
}

/**
 * Whether `later` retires a tool `rule` names, one of a kind people pick one of (capture/alternatives.ts):
 * "switched from pnpm to bun" of "always use pnpm, never npm"; not "moved from port 5432" of "… port 5432".
 */
function retiresOneOf(later: string, rule: string): boolean {
  const names = [...namedAlternatives(rule).values()].flatMap((set) => [...set].flatMap(aliasesOf));
  return names.some((name) => retires(later, name));
}
