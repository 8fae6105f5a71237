/**
 * @module The rules that govern a shell command: decisions and preferences that name what the command is
 * about to use or do ("always use pnpm, never npm install", "switched from jest to vitest", "logrus is
 * banned", "never push directly to main"), shown before it runs. A rule counts when it names two of the
 * command's words (program, sub-command, arguments: `pnpm add jest` and "jest … pnpm test"), or one package
 * the command installs; a single shared word is chance ("git" is in half of all notes about a repo).
 */
import type { Memory } from "../domain/memory.ts";
import { currentVersion } from "../engine/current-version.ts";
import { LOOSE_MIN_OVERLAP } from "../capture/change-rules.ts";
import { updates } from "../retrieve/current-first.ts";
import { commandHead } from "./command.ts";
import type { HookContext } from "./context.ts";
import { stem, tokens } from "./relevance.ts";

/** Sub-commands that add packages, per program: their arguments are package names. */
export const INSTALLERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["npm", new Set(["install", "i", "add"])],
  ["pnpm", new Set(["add", "install", "i"])],
  ["yarn", new Set(["add"])],
  ["bun", new Set(["add", "install", "i"])],
  ["pip", new Set(["install"])],
  ["pip3", new Set(["install"])],
  ["uv", new Set(["add", "pip"])],
  ["poetry", new Set(["add"])],
  ["cargo", new Set(["add", "install"])],
  ["go", new Set(["get", "install"])],
  ["gem", new Set(["install"])],
  ["bundle", new Set(["add"])],
]);
/** Programs that only read: nothing governs looking. */
const READERS = new Set(["ls", "cat", "less", "more", "head", "tail", "wc", "grep", "rg", "find", "fd", "echo", "pwd", "which", "tree", "stat", "du", "df", "file", "diff"]);
const READING_GIT = new Set(["status", "log", "diff", "show", "branch", "fetch", "blame"]);
/** A quoted message given to a flag (`-m "…"`, `--message='…'`): its words are the message's, not the command's. */
const MESSAGE = /(?<=\s)(?:-[a-z]*m|--message)(?:=|\s+)(?:"[^"]*"|'[^']*')/g;
/** Words too common in commands to identify anything on their own. */
const NOISE = new Set(["run", "exec", "origin", "dev", "latest", "true", "false", "the", "and", "with", "from", "into", "all"]);
const RULE_TYPES = ["decision", "preference"];
/** Facts govern only when they retire the program ("black and isort were removed"). */
const SEARCHED_TYPES = [...RULE_TYPES, "fact"];
/** Programs named in most notes about a repository: naming one says nothing about a rule on it. */
const COMMON_PROGRAMS = new Set(["git", "make", "docker", "node", "python", "python3", "bash", "curl", "kubectl", "cargo", "npm"]);
const CANDIDATES = 20;
/** Command words a memory must share with the command: one is chance ("git" is in half of a repo's notes). */
export const SHARED_WORDS = 2;

/**
 * The words of a command worth matching, and the packages it installs (both stemmed, lower case). `lead`: the
 * words of its program and first argument (`sail artisan`, `git commit`), which start most of a project's
 * commands of that kind.
 */
export function commandWords(given: string, project = ""): { words: string[]; packages: string[]; program: string; lead: string[] } {
  // `python -m pip install x` runs pip: the module is the program.
  const command = given.replace(/\bpython(?:3(?:\.\d+)?)?\s+-m\s+(?=[\w.-])/g, "");
  const head = commandHead(command, 1);
  const program = (head[0] ?? "").toLowerCase();
  // A message is not what runs: `git commit -m "npm install docs"` is about committing, not installing (QA).
  const segment = (command.split(/&&|\|\||;|\n/).map((s) => s.trim()).find((s) => s.includes(head[0] ?? "\0")) ?? "").replace(MESSAGE, " ");
  const args = segment.split(/\s+/).slice(segment.split(/\s+/).indexOf(head[0] ?? "") + 1).filter((a) => a !== "" && !a.startsWith("-") && !/^\w+=/.test(a));
  const sub = (args[0] ?? "").toLowerCase();
  if (READERS.has(program) || (program === "git" && READING_GIT.has(sub))) return { words: [], packages: [], program: "", lead: [] };
  const installing = INSTALLERS.get(program)?.has(sub) ?? false;
  const packages = installing ? args.slice(1).flatMap(packageName) : [];
  // Paths and file names say where, not what: their words would match every note about that directory.
  const named = args.slice(0, 6).filter((a) => installing || !/[\\/.]/.test(a));
  // The project's own name (a release, an image tag) is in half of its notes.
  const own = new Set(tokens(project.split(/[\\/]/).at(-1) ?? ""));
  const words = new Set<string>();
  for (const w of tokens([program, ...named].join(" "))) if (w.length >= 3 && !NOISE.has(w) && !own.has(w)) words.add(w);
  // What the command does, in the words rules use for it: installing a package adds a dependency ("don't add
  // new dependencies without asking"), `git commit` writes a commit message ("commit messages follow …").
  // Plural forms: the light stemmer makes "messages" "messag", and rules speak of them in the plural.
  if (installing && packages.length > 0) for (const w of tokens("add dependencies")) words.add(w);
  for (const w of flagWords(program, segment)) words.add(w);
  if (program === "git" && sub === "commit") for (const w of tokens("messages")) words.add(w);
  return { words: [...words], packages: packages.map(stem), program, lead: tokens([program, named[0] ?? ""].join(" ")) };
}

/** Flags that make a command destroy or rewrite something, which is what rules about it name. */
const CONSEQUENTIAL = /^--(force|force-with-lease|hard|amend|no-verify|delete|prune|purge)$/;
/** Their short forms where one program means them: `git push -f`, `git branch -D`. */
const SHORT_CONSEQUENTIAL: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([["git", new Map([["-f", "force"], ["-D", "delete"]])]]);

/**
 * What a command's flags make of it, in the words rules use: `git push --force` is a force-push ("never
 * force-push to main"), `git reset --hard`, `rm -rf` ("ask before rm -rf"; `rm` is too short a word to count
 * otherwise). Only flags that destroy or rewrite: with every long flag's words, blind sets b, c, e, f, h and j
 * lost precision (`--install`, `--tags`, `--release` named notes about something else).
 */
function flagWords(program: string, segment: string): string[] {
  const out: string[] = [];
  for (const flag of segment.split(/\s+/)) {
    if (CONSEQUENTIAL.test(flag)) out.push(...tokens(flag.slice(2)).filter((w) => w.length >= 3 && !NOISE.has(w)));
    else if (program === "rm" && /^-[a-z]*r[a-z]*$/i.test(flag)) out.push("rm", "rf");
    else {
      const word = SHORT_CONSEQUENTIAL.get(program)?.get(flag);
      if (word) out.push(word);
    }
  }
  return out;
}

/**
 * Whether a rule says `program` is no longer used or must not be: "switched from Poetry to uv", "black and
 * isort were removed", "logrus is banned", "instead of jest", "never use npm", "don't call pip directly", "use
 * pnpm, not npm", "we chose Vitest over Jest". Such a rule governs a command running that program on its own;
 * merely naming it ("`pnpm test` now runs vitest") does not.
 */
export function retires(content: string, program: string): boolean {
  return retiredOutright(content, program) || setAgainst(content, program);
}

/** "switched from Poetry to uv", "instead of jest", "never use npm", "black and isort were removed". */
function retiredOutright(content: string, program: string): boolean {
  const p = escape(program);
  const text = content.toLowerCase();
  return [
    new RegExp(`\\b(from|instead of|rather than|off|away from|replac\\w* the|replac\\w*)\\s+\`?${p}\\b`),
    new RegExp(`\\b(never|don'?t|do not|no longer|stop|avoid)\\s+(use\\s+|run\\s+|add\\s+|call\\s+|invoke\\s+|using\\s+|calling\\s+|running\\s+)?\`?${p}\\b`),
    new RegExp(`\\b${p}\`?(\\s+(and|or)\\s+(its\\s+|their\\s+|the\\s+)?[\\w-]+)?\\s+(is|are|was|were|has been|have been)\\s+(now\\s+)?(removed|banned|deprecated|replaced|gone|dropped)\\b`),
  ].some((r) => r.test(text));
}

/**
 * Whether a rule sets another choice against `program`: "use pnpm, not npm", "use pnpm, never npm", "we chose Vitest over Jest",
 * "use xh rather than curl". Unlike "never git push --force" (one use of a program most commands run
 * forbidden) or "the build number from git rev-list", such a rule is about every command of the program.
 */
function setAgainst(content: string, program: string): boolean {
  const p = escape(program);
  const text = content.toLowerCase();
  return [
    new RegExp(`\\b(instead of|rather than)\\s+(using\\s+)?\`?${p}${END}`),
    new RegExp(`[,;(—–]\\s*(and\\s+|but\\s+)?not\\s+(with\\s+|via\\s+|through\\s+)?\`?${p}${END}`),
    // "We always use pnpm in this repo, never npm": the program alone ends the clause (not "never git push --force").
    new RegExp(`[,;(—–]\\s*(and\\s+|but\\s+)?never\\s+(use\\s+|run\\s+)?\`?${p}\`?\\s*(?:[.,;:)!]|$)`),
    new RegExp(`\\b(prefer\\w*|chose|choose|chosen|picked|pick|favou?r\\w*|went with|go with|use|using|uses)\\s+\`?[\\w.@/-]+\`?\\s+over\\s+\`?${p}${END}`),
  ].some((r) => r.test(text));
}

/**
 * Whether `m` retires `program` for every command of it. A program most commands run (git, npm) only by a rule
 * setting another choice against it ("use pnpm, not npm"), not by one use forbidden ("never git push --force");
 * a fact only outright ("black was removed"): "bindings build with CMake, not Bazel" says where, not what every
 * bazel command should do.
 */
function retiredBy(m: Memory, program: string): boolean {
  const common = COMMON_PROGRAMS.has(program);
  if (m.type === "fact") return !common && retiredOutright(m.content, program);
  return common ? setAgainst(m.content, program) : retires(m.content, program);
}

/** Where a program's name ends: not inside a longer name (`docker` of `docker-compose`, "Docker Desktop" aside). */
const END = "(?![\\w-])";
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `@types/jest@^29` → types, jest; `github.com/sirupsen/logrus@latest` → logrus. */
function packageName(arg: string): string[] {
  const bare = arg.replace(/^["']|["']$/g, "").replace(/(?<=.)@[^/]*$/, "").replace(/\[.*\]$/, "").replace(/[=<>~^].*$/, "");
  const last = bare.split("/").at(-1) ?? "";
  return last.length >= 2 ? [last.toLowerCase()] : [];
}

/**
 * Decisions and preferences that govern `command`, best first; none this session wrote, and none it already
 * saw — except, `before` the command runs, a rule not yet shown before a command of this lead: a prompt that
 * named `npm install` showed "never npm install", and the agent about to run `npm install lodash` is told again
 * (once for that program and sub-command; the keys go to the session's `governed` list, {@link governedKey}).
 */
export async function governingRules(ctx: HookContext, command: string, limit: number, before = false): Promise<Memory[]> {
  const { words, packages, program, lead } = commandWords(command, ctx.project);
  if (words.length === 0) return [];
  const shownBefore = new Set(ctx.state.governed);
  const seen = (id: string) => ctx.state.created.includes(id) || (ctx.state.surfaced.includes(id) && (!before || shownBefore.has(governedKey(id, command))));
  // Superseded rules are searched too: `poetry install` names the old rule ("managed with Poetry"), and its
  // successor ("switched from Poetry to uv") is what to show.
  const engine = ctx.engine();
  const { results } = await engine.recall({ query: words.join(" "), mode: "keyword", types: SEARCHED_TYPES, statuses: ["active", "superseded"], limit: CANDIDATES, track: false, abstain: false });
  const found = results.map((r) => r.memory);
  const out: Memory[] = [];
  for (const m of found) {
    const have = new Set(tokens(`${m.content} ${m.tags.join(" ")}`));
    const retired = program.length >= 3 && have.has(stem(program)) && retiredBy(m, program);
    if (!retired && m.type === "fact") continue;
    // Two of the command's words, one past its lead, or the lead itself where the rule forbids its program
    // ("never npm install" before `npm install lodash`).
    if (!retired && !namesEnough(have, packages, words, lead) && !(namesEnough(have, packages, words) && retires(m.content, program))) continue;
    // A rule a later one changed no longer holds: "dependencies are managed with Poetry" before `poetry
    // install` is answered by the newer "switched from Poetry to uv", which names the program it replaces.
    const current = latest(currentVersion(engine.store, m), found, (n) => speaksOf(n, program, packages, words));
    // A rule a later fact changed ("dbt pinned to 1.8" → "upgraded dbt from 1.8 to 1.9") governs nothing now,
    // unless that fact retires the program itself (on the blind sets such facts were wanted 2 times of 17).
    if (current.type === "fact" && !retires(current.content, program)) continue;
    if (current.status === "active" && !seen(current.id) && !out.some((o) => o.id === current.id)) out.push(current);
  }
  return out.slice(0, limit);
}

/** A rule shown before commands of `command`'s program and sub-command (a hash: the state keeps no command text). */
export function governedKey(id: string, command: string): string {
  const head = commandHead(command, 2).join(" ").toLowerCase();
  return `${id}#${Bun.hash(head).toString(36)}`;
}

/**
 * Whether `m` is about the command: it names its program or a package it installs, or two of its words. A
 * rule's successor must be, or the change it states is about something else the command does not touch.
 */
function speaksOf(m: Memory, program: string, packages: readonly string[], words: readonly string[]): boolean {
  const have = new Set(tokens(`${m.content} ${m.tags.join(" ")}`));
  return (program.length >= 3 && have.has(stem(program))) || namesEnough(have, packages, words);
}

/**
 * Whether a memory's words (`have`) hold two of the command's words, one of them past its lead. The lead alone
 * is not enough: in a Laravel project every note on running things says `sail artisan`, and one on `sail
 * artisan scout:flush` is not about `sail artisan tinker` (blind sets c–g, bash events, with pre-tool.ts's head
 * rule: precision 0.30 → 0.38, silence 0.61 → 0.78, recall 0.38 → 0.31; DESIGN.md, session 29). An empty
 * `lead` asks for two shared words only.
 */
export function sharesPastLead(have: ReadonlySet<string>, words: readonly string[], lead: readonly string[]): boolean {
  const shared = words.filter((w) => have.has(w));
  return shared.length >= SHARED_WORDS && shared.some((w) => !lead.includes(w));
}

/**
 * Words a rule about a package uses for choosing, pinning or banning it: "we use dayjs, not moment", "pin react
 * to 18", "the stripe SDK v12", "logrus is banned". A note that only names the package's product ("Stripe
 * webhooks are verified with the signing secret") is about the service, not about installing its library.
 */
const CHOICE_WORDS = new Set(
  tokens("use uses used using pin pinned version versions instead over not never no banned avoid prefer replace replaced switch switched install installed dependency dependencies package packages library libraries sdk client upgrade downgrade vendored fork"),
);

/** Whether a memory's words (`have`) name a package the command installs as a choice, or two of the command's words (one past `lead`). */
function namesEnough(have: ReadonlySet<string>, packages: readonly string[], words: readonly string[], lead: readonly string[] = []): boolean {
  return (packages.some((p) => have.has(p)) && [...CHOICE_WORDS].some((w) => have.has(w))) || sharesPastLead(have, words, lead);
}

/** The newest memory among `pool` about the command (`about`) that (through any chain of updates) changed `m`, or `m` itself. */
function latest(m: Memory, pool: readonly Memory[], about: (n: Memory) => boolean): Memory {
  let current = m;
  for (let step = 0; step < pool.length; step++) {
    const next = pool.find((n) => updates(n, current, LOOSE_MIN_OVERLAP) && about(n));
    if (!next) return current;
    current = next;
  }
  return current;
}
