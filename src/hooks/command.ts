/** @module Reading shell commands and errors: the command's identity, and an error's normalised signature. */
import { cutText } from "../text/cut.ts";

/** Wrappers that say nothing about what runs. */
const PREFIXES = new Set(["sudo", "time", "env", "nohup", "exec", "command", "npx", "bunx", "pnpx"]);

/**
 * The words that identify a command: its program and first sub-command (`npm test`, `docker compose`,
 * `cargo build`), skipping `cd …&&`, env assignments and wrappers. Flags and arguments vary run to run;
 * these do not.
 */
export function commandHead(command: string, words = 2): string[] {
  let want = words;
  const out: string[] = [];
  for (const raw of mainSegment(command).split(/\s+/)) {
    if (out.length >= want) break;
    if (raw === "" || /^\w+=/.test(raw) || (out.length === 0 && PREFIXES.has(raw))) continue;
    if (raw.startsWith("-") || raw.startsWith("|") || raw.startsWith(">")) break;
    // `./node_modules/.bin/jest` and `jest` are the same program.
    out.push(out.length === 0 ? raw.replace(/^.*\//, "") : raw);
    // `npm run test:e2e`: the script name, not "run", is what identifies the command.
    if (out.length === 2 && /^(run|exec|x|run-script)$/.test(raw)) want = words + 1;
  }
  return out;
}

/** The segment of `cd dir && x` / `a; b` that runs something: earlier ones are set-up. */
function mainSegment(command: string): string {
  const segments = command.split(/&&|\|\||;|\n/).map((s) => s.trim()).filter(Boolean);
  return segments.find((s) => !/^cd\s/.test(s) && !/^export\s/.test(s)) ?? segments[0] ?? "";
}

/**
 * Whether the command's head is its program alone because a flag follows it, with more words after: `pnpm -F db
 * exec prisma db push`, `julia --project=. -e '…'`, `restic -r <repo> snapshots`. What such a command does is
 * in words the head cannot reach, so the program's name alone does not say which notes are about it.
 */
export function headCutByFlag(command: string): boolean {
  return commandHead(command, 2).length === 1 && programOn(command).slice(1).some((w) => !w.startsWith("-"));
}

/** The main segment's words from its program on: wrappers before it and `VAR=value` assignments dropped. */
export function programOn(command: string): string[] {
  const words = mainSegment(command).split(/\s+/).filter((w) => w !== "" && !/^\w+=/.test(w));
  const start = words.findIndex((w) => !PREFIXES.has(w));
  return start < 0 ? [] : words.slice(start);
}

/**
 * Programs whose non-zero exit answers a question rather than reports an error: no match (grep), files differ
 * (diff, cmp), no such file to look at (ls, cat), a test that is false. The agent reads the answer; storing it
 * as an error made "`git diff` failed: diff --git …" a pitfall shown before every `git diff` (QA).
 */
const ANSWER_BY_EXIT = new Set(["ls", "cat", "head", "tail", "wc", "grep", "egrep", "fgrep", "rg", "ag", "find", "fd", "which", "whereis", "type", "test", "[", "[[", "diff", "cmp", "stat", "file", "pgrep", "sleep", "true", "false"]);
/** The same for git: `git diff --exit-code`, `git merge-base --is-ancestor`, `git grep`, `git rev-parse --verify`… */
const GIT_ANSWERS: ReadonlyArray<[string, RegExp]> = [
  ["diff", /\s--(?:exit-code|quiet)\b/],
  ["diff-index", /\s--quiet\b/],
  ["diff-files", /\s--quiet\b/],
  ["merge-base", /\s--is-ancestor\b/],
  ["ls-files", /\s--error-unmatch\b/],
  ["rev-parse", /\s(?:--verify|-q|--quiet)\b/],
  ["show-ref", /./],
  ["check-ignore", /./],
  ["grep", /./],
  ["cat-file", /\s-e\b/],
];

/**
 * Whether the command's non-zero exit is an answer, not a failure: its program (the last stage of a pipeline,
 * whose status the shell returns) is one of {@link ANSWER_BY_EXIT}, or a git query of {@link GIT_ANSWERS}.
 */
export function answersByExit(command: string): boolean {
  const stages = mainSegment(command).split(/(?<!\|)\|(?!\|)/);
  const words = programOn(stages[stages.length - 1]!.trim());
  const program = (words[0] ?? "").replace(/^.*\//, "");
  if (ANSWER_BY_EXIT.has(program)) return true;
  if (program !== "git") return false;
  const sub = words.slice(1).find((w) => !w.startsWith("-"));
  return GIT_ANSWERS.some(([name, flags]) => sub === name && flags.test(` ${words.slice(1).join(" ")}`));
}

/** A word naming a file rather than a sub-command: it has a directory part or a file extension. */
const FILE_ARG = /[\\/]|^[\w@+-]+\.[A-Za-z]\w{0,5}$/;

/** Whether a command's word names a file (`scripts/seed.ts`, `app.py`) rather than a sub-command. */
export const namesFile = (word: string): boolean => FILE_ARG.test(word);

/**
 * The program an error belongs to, for the error memory: the head without file arguments, so
 * `eslint src/a.ts` and `eslint src/b.ts` failing the same way are one error of `eslint`.
 */
export function errorCommand(command: string): string {
  const head = commandHead(command);
  return [head[0] ?? "", ...head.slice(1).filter((w) => !FILE_ARG.test(w))].join(" ").trim().toLowerCase();
}

/** Key for "the same command" within a session: its head words. */
export function commandKey(command: string): string {
  return commandHead(command).join(" ").toLowerCase();
}

/** Lines that say what went wrong, in the order compilers, test runners and shells print them. */
// `E[A-Z]{3,}` is an errno-style code (ECONNREFUSED, ERESOLVE), not the word ERRORS of a banner.
const STRONG_ERROR_LINE = /\b\w*(Error|Exception)\b:|^\s*(error|fatal|panic)\b|\bERR!|\bE(?!RRORS?\b)[A-Z]{3,}\b/;
/** A section banner of a test runner's output: "==== ERRORS ====", "____ test_x ____", "---- FAILURES ----". */
const BANNER = /^[=_\-*#~]{3,}.*[=_\-*#~]{3,}$/;
/**
 * A test runner's line naming which test or package failed, not what went wrong: Go's `--- FAIL: TestX (0.02s)`,
 * `FAIL`, `FAIL\tpkg\t0.3s`, `=== RUN TestX`, `ok  \tpkg`, and `go build`'s `# github.com/acme/api/internal/http`
 * package heading; the error is on the lines around it.
 */
const RUNNER_LINE = /^(?:--- (?:FAIL|PASS|SKIP):|=== (?:RUN|PAUSE|CONT|NAME)\b|(?:FAIL|PASS|ok)(?:\s|$)|# [\w.@\/-]+$)/;
/** A three-digit number read as an HTTP status: after HTTP/status/code/error, or before a reason phrase. */
const HTTP_STATUS_AT = /(?:\b(?:HTTP(?:\/[\d.]+)?|status(?: code)?|code|error|returned)[:\s]+[1-5]\d\d\b|\b[1-5]\d\d (?:[A-Z][a-z]+|OK)\b)/;
/** A log line's leading timestamp (`2024/12/06 10:00:00`, ISO 8601): when, not what. */
const LEADING_TIME = /^\[?\d{4}[-/]\d{2}[-/]\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s*/;
const ERROR_LINE =
  /\b(error|exception|fatal|failed|failure|panic|traceback|cannot|could not|couldn't|not found|no such file|permission denied|refused|undefined|segmentation fault|timed? ?out|does not exist|deadline exceeded|unable to)\b|✗|✘/i;

/** True when `text` carries an error signature (for shell output that arrived without an exit code). */
export function looksLikeError(text: string): boolean {
  return /(^|\n)\s*(error|fatal|traceback|panic)\b|command not found|no such file or directory|permission denied|\bERR!|Exception\b/i.test(text);
}

/** A file location: `path:line[:col]`, `path(line,col)`, `File "path", line N`. */
const PATH = String.raw`(?:[A-Za-z]:)?[\w.@+~-]*(?:[\\/][\w.@+~-]+)*\.[A-Za-z]\w*`;
const LOCATION = String.raw`(?:${PATH}(?::\d+(?::\d+)?|\(\d+(?:,\d+)?\))|File "[^"]+", line \d+(?:, in \S+)?)`;
/** A location the line starts with (compilers, linters: `src/a.ts(3,7): error …`, ESLint's bare `3:7  error …`). */
const LEADING_LOCATION = new RegExp(String.raw`^(?:${LOCATION}|\d+:\d+(?=\s))[:\s-]*`);
const INNER_LOCATION = new RegExp(LOCATION, "g");
/** Cheap test first: most lines of a long log hold no location, and the location patterns backtrack. */
const MAYBE_LOCATION = /[:(]\d|File "/;

function withoutLocation(line: string): string {
  return MAYBE_LOCATION.test(line) ? line.replace(LEADING_LOCATION, "").replace(INNER_LOCATION, "<file>") : line;
}

/**
 * An error's signature: its most telling line with the parts that change between runs (where it happened,
 * numbers, paths, hex ids, durations) replaced, so the same failure captured twice — or in another file —
 * is the same text and the engine's duplicate detection reinforces it instead of storing it again.
 */
export function errorSignature(text: string, redact: (line: string) => string = (l) => l): string {
  const raw = text
    .split("\n")
    .map((l) => cutText(l, 1000).replace(/\x1b\[[0-9;]*m/g, "").trim().replace(LEADING_TIME, ""))
    .filter((l) => l !== "" && !/^Exit code -?\d+$/i.test(l));
  // Where an error happened is not what it is: one error in three files is one error.
  const all = raw.map((l) => ({ raw: l, line: withoutLocation(l) })).filter((l) => l.line !== "");
  // A runner's section banners and test names name no error ("==== ERRORS ====", "--- FAIL: TestX"); the lines under them do.
  const told = all.filter((l) => !BANNER.test(l.line) && !RUNNER_LINE.test(l.line));
  const lines = told.length > 0 ? told : all;
  const at = Math.max(0, [(l: (typeof lines)[number]) => STRONG_ERROR_LINE.test(l.line), (l: (typeof lines)[number]) => ERROR_LINE.test(l.line)].map((f) => lines.findIndex(f)).find((i) => i >= 0) ?? 0);
  // A heading that only announces the error ("error during build:") reads with the line after it.
  const chosen = lines[at]?.raw.endsWith(":") && lines[at + 1] ? `${lines[at]!.raw} ${lines[at + 1]!.raw}` : lines[at]?.raw;
  // Redacted before any rewrite: a URL folded to its last segment or a token cut at 200 characters no
  // longer has the shape that identifies it, and its remains would be stored.
  // Its placeholders are PLACEHOLDERS below.
  const signature = withoutLocation(redact(chosen ?? ""))
    // A URL keeps its host and last segment; a path of three or more parts its last (a home directory, a
    // checkout's location), while a short one is what the error names (`@/components/Button`).
    .replace(/\b([a-z][a-z\d+.-]*:\/\/[\w.-]+)((?:\/[\w.@+%~-]*)+)/gi, (_u, host: string, path: string) => {
      const parts = path.split("/").filter(Boolean);
      return parts.length >= 3 ? `${host}/…/${parts.at(-1)}` : `${host}${path}`;
    })
    .replace(/(?<![\w:/])(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){3,}/g, (p) => `…/${p.split(/[\\/]/).pop()}`)
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, "<ip>")
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{8,}\b/gi, "<id>")
    // Which try it was ("attempt 2 of 5", "retry 3/5") changes between runs, not what failed (QA: four copies of one error).
    .replace(/\b(attempts?|retry|retrying|retries|try)\s+#?\d+(?:\s*(?:of|\/)\s*\d+)?/gi, "$1 <n>")
    .replace(/\b\d+(\.\d+)?\s?(ms|s|sec|seconds|m|min)\b/g, "<time>")
    .replace(/:\d+(:\d+)?\b/g, "")
    // An HTTP status is what went wrong, not a count that changes between runs ("401 Unauthorized", "status 503").
    .replace(/\b\d{2,}\b/g, (n, at: number, line: string) => (HTTP_STATUS_AT.test(line.slice(Math.max(0, at - 12), at + n.length + 16)) && /^[1-5]\d\d$/.test(n) ? n : "<n>"))
    .replace(/\s+/g, " ");
  return cutText(signature, 200).trim();
}

/** What an error's signature puts in place of what changes between runs (`<ip>`, `<n>`…): not markup to defuse. */
export const PLACEHOLDERS: ReadonlySet<string> = new Set(["file", "ip", "id", "n", "time"]);
