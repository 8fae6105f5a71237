/**
 * @module The CLI boundary: finds the command, rejects unknown flags, runs it, and turns every error into
 * a message on stderr and an exit code (0 ok, 1 failure, 2 usage). The only place that decides exit codes.
 */
import { type ArgsDef, type CommandDef, renderUsage, runCommand } from "citty";
import { CairnError, describeError } from "../errors.ts";
import { COMMANDS } from "./commands/index.ts";
import { flushOutput, forTerminal, output, OutputClosed, OutputFailed } from "./output.ts";
import { VERSION } from "../version.ts";
import { own } from "../domain/own.ts";
import { WORDS_COMMANDS } from "./flags.ts";
import { cutText } from "../text/cut.ts";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export async function main(argv: string[]): Promise<number> {
  const code = await dispatch(argv);
  try {
    await flushOutput();
  } catch (err) {
    if (err instanceof OutputClosed) return code;
    if (!(err instanceof OutputFailed)) throw err;
    process.stderr.write(`cairn: ${err.message}\n`);
    return EXIT_FAILURE;
  }
  return code;
}

async function dispatch(argv: string[]): Promise<number> {
  // `cairn --json recall x` is `cairn recall x --json` (QA: `cairn --json` alone printed no JSON).
  const [name, ...rest] = argv[0] === "--json" ? [...argv.slice(1), "--json"] : argv;
  const wantsJson = argv.includes("--json");
  if (name === undefined || name === "--json") {
    if (wantsJson) return report(new UsageError("No command given. Run `cairn --help --json` to list the commands."), "", true);
    process.stderr.write(`${rootHelp()}\n`);
    return EXIT_USAGE;
  }
  // `cairn help recall` is `cairn recall --help` (QA: it printed the list of commands).
  if (name === "help" && rest[0] !== undefined && rest[0] !== "--json" && own(COMMANDS, rest[0])) return dispatch([rest[0], "--help", ...rest.slice(1)]);
  if (name === "--help" || name === "-h" || name === "help") {
    if (wantsJson) output.json({ version: VERSION, commands: listed().map(([command, description]) => ({ command, description })) });
    else output.text(rootHelp());
    return EXIT_OK;
  }
  if (name === "--version" || name === "-v") {
    if (wantsJson) output.json({ version: VERSION });
    else output.text(VERSION);
    return EXIT_OK;
  }
  try {
    const entry = own(COMMANDS, name);
    if (!entry) throw new UsageError(`Unknown command "${name}".${suggest(name)} Run \`cairn --help\` to see all commands.`);
    const cmd = await entry.load();
    // After `--` everything is text (`cairn remember -- --help` stores "--help"; QA: it printed the help).
    const options = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
    if (options.includes("--help") || options.includes("-h")) {
      const usage = await renderUsage(cmd, { meta: { name: "cairn" } });
      // citty colours its help unconditionally; keep escape codes out of pipes and files.
      const { isatty } = await import("node:tty");
      // citty prints every alias with one dash; a long one (`--out` for --output) takes two, as the flag check insists.
      const spelled = usage.replace(/(^|\s|\u001b\[[0-9;]*m)-([a-z][\w-]+)(?=(?:\u001b\[[0-9;]*m)?,)/gm, "$1--$2");
      output.help(isatty(1) ? spelled : spelled.replace(/\u001b\[[0-9;]*m/g, ""));
      return EXIT_OK;
    }
    const argsDef = (await resolve(cmd.args)) ?? {};
    const flags = { known: knownFlags(argsDef), strings: knownFlags(argsDef, "value") };
    checkArgs(rest, flags, WORDS_COMMANDS.has(name) ? null : positionals(argsDef), name);
    await runCommand(cmd, { rawArgs: rest });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (err) {
    return report(err, name, wantsJson);
  }
}

/** A mistake in how cairn was called (exit code 2). */
export class UsageError extends Error {}

function report(err: unknown, command: string, json: boolean): number {
  if (err instanceof OutputClosed) return EXIT_OK;
  const usage =
    err instanceof UsageError ||
    (err instanceof CairnError && err.isUsage) ||
    (err as { name?: string })?.name === "CLIError";
  const code = err instanceof CairnError ? err.code : usage ? "USAGE" : "INTERNAL";
  // Errors quote what they were given (an import line's fields, a file's text): never a terminal control of its own
  // (QA: an OSC 52 clipboard write in an imported file reached the terminal through the error).
  let message = forTerminal(describeError(err).replace(/\u001b\[[0-9;]*m/g, ""));
  // The output itself cannot be written: the message goes to stderr only, and no JSON error follows it on stdout.
  if (err instanceof OutputFailed) {
    process.stderr.write(`cairn: ${message}\n`);
    return EXIT_FAILURE;
  }
  if ((err as { name?: string })?.name === "CLIError") message = `${message.replace(/[^.!?]$/, "$&.")} Run \`cairn ${command} --help\` for usage.`;
  if (code === "INTERNAL" && !(err instanceof CairnError)) {
    message = `Internal error: ${message}. Please report it with the output of \`cairn doctor\`.`;
    if (process.env.CAIRN_LOG_LEVEL === "debug" && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  }
  if (json) output.json({ error: { code, message } });
  process.stderr.write(`cairn: ${message}\n`);
  return usage ? EXIT_USAGE : EXIT_FAILURE;
}

/** The commands help lists: `hook` too, routed by main.ts before the table (start-up time), which README documents (QA). */
function listed(): Array<[string, string]> {
  return [...Object.entries(COMMANDS).map(([n, c]): [string, string] => [n, c.description]), ["hook", "the agent hooks `cairn setup` registers (<event>, a JSON event on stdin)"]];
}

function rootHelp(): string {
  const all = listed();
  const width = Math.max(...all.map(([n]) => n.length));
  const lines = all.map(([n, description]) => `  ${n.padEnd(width)}  ${description}`);
  return [
    `cairn ${VERSION} — local-first long-term memory for AI agents`,
    "",
    "Usage: cairn <command> [options]      (every command takes --help; all but mcp and hook, which speak JSON already, take --json)",
    "",
    "Commands:",
    ...lines,
    "",
    "Data lives in CAIRN_HOME if set, else the platform data directory (see `cairn doctor`).",
  ].join("\n");
}

function suggest(name: string): string {
  const typed = name.toLowerCase();
  if (typed.trim() === "") return "";
  const close = closest(typed, Object.keys(COMMANDS)) ?? Object.keys(COMMANDS).find((c) => c.startsWith(typed.slice(0, 3)) || typed.startsWith(c.slice(0, 3)));
  return close ? ` Did you mean "${close}"?` : "";
}

/** The one of `names` within two edits of `typed` (a third of its length at most), the nearest; none otherwise. */
function closest(typed: string, names: readonly string[]): string | undefined {
  const limit = Math.min(2, Math.max(1, Math.floor(typed.length / 3)));
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = editDistance(typed, name);
    if (d <= limit && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** Levenshtein distance, a swap of two neighbours counted as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

async function resolve<T>(value: T | Promise<T> | (() => T | Promise<T>) | undefined): Promise<T | undefined> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

const toKebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A command's flags: every one it knows, and those that take a value. */
interface CommandFlags {
  known: ReadonlySet<string>;
  strings: ReadonlySet<string>;
}

/** The flags a command knows (kebab and camel forms, aliases; `no-` forms of booleans); `value`: those taking a value. */
function knownFlags(argsDef: ArgsDef, only?: "value"): Set<string> {
  const known = new Set<string>();
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === "positional" || (only && def.type !== "string" && def.type !== "enum")) continue;
    known.add(name).add(toKebab(name));
    if (def.type === "boolean") known.add(`no-${name}`).add(`no-${toKebab(name)}`);
    const aliases = "alias" in def && def.alias ? (Array.isArray(def.alias) ? def.alias : [def.alias]) : [];
    for (const a of aliases) known.add(a);
  }
  return known;
}

/** The names of a command's positional arguments, in order. */
const positionals = (argsDef: ArgsDef): string[] => Object.entries(argsDef).flatMap(([name, def]) => (def.type === "positional" ? [name] : []));

/** The flag an argument names (`--limit=3` → limit), or null for a value, `-`, a negative number or after `--`. */
const flagOf = (arg: string): string | null => (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg) ? null : arg.replace(/^--?/, "").split("=")[0]!);

/** Whether `arg` is one of the command's options (so not the value of the option before it). */
const isOption = (arg: string, known: ReadonlySet<string>): boolean => known.has(flagOf(arg) ?? "\0");

/**
 * The checks citty does not make, in one pass over the arguments:
 * - an unknown flag is refused (citty ignores it: a typo like --limt silently changed nothing);
 * - a long option with one dash is refused ("-out": citty read it as letters and dropped the value);
 * - an option that takes a value needs one: only another option of the command counts as missing it (citty
 *   took `--tags --type fact` as the tag "--type"; an empty `--limit=` was ignored), while `--content "-v is
 *   verbose"` is a value;
 * - more positional words than the command has `places` for are refused (citty dropped the rest: `cairn
 *   forget a b` forgot a and said nothing of b); `places` null: any number (the text commands).
 */
function checkArgs(rawArgs: string[], { known, strings }: CommandFlags, places: readonly string[] | null, command: string): void {
  const words: string[] = [];
  const given = new Set<string>();
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === "--") {
      words.push(...rawArgs.slice(i + 1));
      break;
    }
    const flag = flagOf(arg);
    if (flag === null) {
      words.push(arg);
      continue;
    }
    if (/^-[^-]/.test(arg) && flag.length > 1) {
      throw new UsageError(`"${echoed(arg.split("=")[0]!)}": a long option takes two dashes${known.has(flag) ? ` (--${flag})` : ""}.${textAfterDashes(places, command)}`);
    }
    if (strings.has(flag)) {
      // Only the last of two would count, silently (QA: `--type decision --type error` listed errors only).
      if (given.has(flag)) throw new UsageError(`Option --${flag} was given twice; give it once${/^(type|tags|status)$/.test(flag) ? `, with several values comma-separated (--${flag} a,b)` : ""}.`);
      given.add(flag);
      const inline = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : null;
      const next = rawArgs[i + 1];
      const missing = inline !== null ? inline === "" : next === undefined || next === "--" || isOption(next, known);
      if (missing) throw new UsageError(`Option --${flag} needs a value${inline === null && next !== undefined ? ` (it was followed by ${next})` : ""}.`);
      if (inline === null) i++;
      continue;
    }
    if (!known.has(flag)) {
      const list = [...known].filter((k) => !k.startsWith("no-") && k.length > 1);
      const near = closest(flag, list);
      throw new UsageError(
        `Unknown option "${echoed(arg.split("=")[0]!)}".${near ? ` Did you mean --${near}?` : ""} Known options: ${list.map((k) => `--${k}`).join(", ")}.${textAfterDashes(places, command)}`,
      );
    }
  }
  if (places === null || words.length <= places.length) return;
  const takes = places.length === 0 ? "takes no arguments" : `takes ${places.map((p) => `<${p}>`).join(" ")}`;
  throw new UsageError(`Unexpected argument "${echoed(words[places.length]!)}": cairn ${command} ${takes}. Quote a value that holds spaces; \`cairn ${command} --help\` shows the options.`);
}

/**
 * Text given where an option was expected: how to pass it as text, said by the commands that take text (QA:
 * `stats --bogus` ended with a hint about `remember`).
 */
const textAfterDashes = (places: readonly string[] | null, command: string): string =>
  places === null ? ` Text that starts with - goes after --: \`cairn ${command} -- "-----BEGIN …"\`.` : "";

/**
 * An argument as an error message repeats it: up to its first space, at most 40 characters. A misplaced
 * argument is often pasted text, a key or a secret (QA: a PEM key given to `remember` was echoed whole into
 * stderr and the JSON error).
 */
function echoed(arg: string): string {
  const word = arg.split(/\s/)[0]!;
  return word.length > 40 || word !== arg ? `${cutText(word, 40)}…` : word;
}

export type { CommandDef };
