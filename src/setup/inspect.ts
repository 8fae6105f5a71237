/**
 * @module `cairn doctor`'s "clients" checks: for each agent client, is cairn registered (user or project
 * level), does the registered command exist and run, and — for Claude Code — are all hooks present.
 * Read-only; a client that is neither installed nor configured is not mentioned.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { buildId } from "../hooks/warm/protocol.ts";
import { selfCommand } from "../self-command.ts";
import { CLAUDE_HOOKS, cairnInvocation, unquote, hooksOffNote, isCairnHook, localServerIn, localServerNote, twiceRegistered } from "./claude-code.ts";
import { type JsonObject, isObject } from "./json-file.ts";
import { parseJsonc } from "./jsonc.ts";
import { resolve } from "node:path";
import { defaultDataDir, expandHome, homeDir, resolvePaths } from "../config/paths.ts";
import { type ClientSetup, type Env, type Scope, type SetupContext, readText } from "./plan.ts";
import { CLIENTS } from "./run.ts";
import { detectProject } from "../config/project.ts";

export interface ClientCheck {
  name: string;
  level: "ok" | "warn" | "info";
  detail: string;
}

/** One check per client that is installed or mentions cairn. */
export function clientChecks(env: Env = process.env, cwd: string = process.cwd(), platform: NodeJS.Platform = process.platform): ClientCheck[] {
  const base = { env, platform, home: homeDir(env), projectDir: detectProject(cwd), command: "", uninstall: false, dataDir: "", dataEnv: {} };
  const checks: ClientCheck[] = [];
  const dirs = dataDirs(env, platform);
  for (const client of CLIENTS) {
    try {
      const check = inspectClient(client, (scope) => ({ ...base, scope }), dirs);
      if (check) checks.push(check);
    } catch (err) {
      checks.push({ name: client.id, level: "warn", detail: `cannot inspect: ${(err as Error).message}` });
    }
  }
  return checks;
}

/** This shell's data directory, and the one an agent started without CAIRN_HOME uses. */
function dataDirs(env: Env, platform: NodeJS.Platform): { current: string; byDefault: string } {
  return { current: resolve(resolvePaths(env, platform).dataDir), byDefault: defaultDataDir(env, platform) };
}

/**
 * A problem when the data directory a user file's entry gives its agents (its CAIRN_HOME, or the default) is not
 * this shell's: the agents would read and write another store than the CLI's.
 */
function homeProblem(home: unknown, dirs: { current: string; byDefault: string }, what: string, env: Env): string | null {
  // "~/cairn" is the home folder's, as cairn reads CAIRN_HOME (config/paths.ts).
  const wired = typeof home === "string" && home !== "" ? resolve(expandHome(home, env)) : dirs.byDefault;
  if (wired === dirs.current) return null;
  return `${what} use the data directory ${wired}, this shell ${dirs.current}: run \`cairn setup\` with the CAIRN_HOME the agents should use (or without it for the default)`;
}

function inspectClient(client: ClientSetup, ctxFor: (scope: Scope) => SetupContext, dirs: { current: string; byDefault: string }): ClientCheck | undefined {
  const found: string[] = [];
  const problems: string[] = [];
  const hookFiles: string[] = [];
  let localNote: string | undefined;
  let mcpCommand: string | undefined;
  const seen = new Set<string>();
  for (const scope of client.scopes) {
    for (const target of client.targets(ctxFor(scope))) {
      // In a project at the home directory, user and project files can be the same file.
      if (seen.has(target.path)) continue;
      seen.add(target.path);
      const text = safeRead(target.path, problems);
      if (text === null || text === undefined) continue;
      let value: JsonObject;
      try {
        value = (target.path.endsWith(".toml") ? Bun.TOML.parse(text) : (parseJsonc(text) ?? {})) as JsonObject;
      } catch (err) {
        problems.push(`${target.path} is malformed (${(err as Error).message})`);
        continue;
      }
      if (target.purpose === "mcp") {
        // Claude Code's user file also holds each project's "local" servers, which come first.
        const local = client.id === "claude-code" && scope === "user" ? localServerIn(value, ctxFor(scope).projectDir) : undefined;
        if (local !== undefined) localNote = localServerNote({ file: target.path, command: local }, ctxFor(scope).projectDir);
        const entry = [value.mcpServers, value.servers, value.mcp_servers].map((c) => (isObject(c) ? c.cairn : undefined)).find(isObject);
        if (!entry) continue;
        found.push(`MCP in ${target.path}`);
        mcpCommand = typeof entry.command === "string" ? entry.command : "";
        checkCommand(mcpCommand, target.path, problems, ctxFor(scope).env);
        const home = scope === "user" ? homeProblem(isObject(entry.env) ? entry.env.CAIRN_HOME : undefined, dirs, `agents started from ${target.path}`, ctxFor(scope).env) : null;
        if (home) problems.push(home);
      } else {
        const hooks = isObject(value.hooks) ? value.hooks : {};
        if (value.disableAllHooks === true) problems.push(hooksOffNote(target.path));
        const commands = CLAUDE_HOOKS.map((h) => cairnHookCommand(hooks[h.event], mcpCommand));
        const present = commands.filter((c) => c !== undefined).length;
        if (present === 0) continue;
        hookFiles.push(target.path);
        found.push(`hooks ${present}/${CLAUDE_HOOKS.length} in ${target.path}`);
        if (present < CLAUDE_HOOKS.length) problems.push(`hooks missing for ${CLAUDE_HOOKS.filter((_, i) => commands[i] === undefined).map((h) => h.event).join(", ")}; run \`cairn setup --client ${client.id}${scope === "project" ? " --project" : ""}\``);
        const first = commands.find((c) => c !== undefined)!;
        checkCommand(executableOf(first), target.path, problems, ctxFor(scope).env);
        const home = scope === "user" ? homeProblem(hookHome(first), dirs, `the hooks in ${target.path}`, ctxFor(scope).env) : null;
        if (home) problems.push(home);
      }
    }
  }
  const name = client.id;
  if (found.length === 0 && problems.length === 0) {
    return client.detect(ctxFor("user")) ? { name, level: "info", detail: `installed, cairn not registered; run: cairn setup --client ${client.id}` } : undefined;
  }
  if (client.id === "claude-code" && found.length > 0 && hookFiles.length === 0) problems.push("no cairn hooks; run `cairn setup --client claude-code`");
  if (hookFiles.length > 1) problems.push(twiceRegistered(hookFiles));
  if (localNote) problems.push(localNote);
  const detail = [...found, ...problems].join("; ");
  return { name, level: problems.length > 0 ? "warn" : "ok", detail };
}

function safeRead(path: string, problems: string[]): string | null | undefined {
  try {
    return readText(path);
  } catch (err) {
    problems.push(`cannot read ${path}: ${(err as Error).message}`);
    return undefined;
  }
}

function cairnHookCommand(groups: unknown, own: string | undefined): string | undefined {
  if (!Array.isArray(groups)) return undefined;
  for (const g of groups) {
    const handlers = isObject(g) && Array.isArray(g.hooks) ? g.hooks : [];
    for (const h of handlers) if (isObject(h) && isCairnHook(h.command, own)) return h.command as string;
  }
  return undefined;
}

/** The CAIRN_HOME a hook command written by setup sets, or undefined. */
const hookHome = (command: string): string | undefined => cairnInvocation(command)?.vars.get("CAIRN_HOME");

/** The executable of a hook command written by setup (possibly quoted, after its assignments, or piped into). */
const executableOf = (command: string): string => cairnInvocation(command)?.executable ?? unquote(/^(?:"(?:[^"\\]|\\.)*"|'[^']*'|\S*)/.exec(command.trim())![0]);

function checkCommand(command: string, where: string, problems: string[], env: Env): void {
  if (command === "") return void problems.push(`the cairn entry in ${where} has no command`);
  // A bare name (what project files hold) is looked up on PATH by the client, as here.
  if (!command.includes("/") && !command.includes("\\")) {
    if (!Bun.which(command, { PATH: env.PATH ?? "" })) problems.push(`\`${command}\` (in ${where}) is not on PATH; put the cairn binary on PATH`);
    return;
  }
  if (!existsSync(command)) return void problems.push(`${command} (in ${where}) does not exist; run \`cairn setup\` again from the installed binary`);
  try {
    accessSync(command, constants.X_OK);
  } catch {
    return void problems.push(`${command} (in ${where}) is not executable`);
  }
  const other = otherBuild(command);
  if (other) problems.push(`${command} (in ${where}) is another cairn build than this one (${other}): an older build's hooks and MCP server cannot open a store a newer one upgraded, and do nothing; run \`cairn setup\` with the cairn you use`);
}

/**
 * How the binary at `command` differs from this one (its size and date), when both are compiled cairn binaries and
 * not the same build (hooks/warm/protocol.ts buildId): QA, doctor called the wiring OK while every hook ran an
 * older cairn that refused the store. Null when it is this build, or this process runs from source (tests).
 */
function otherBuild(command: string): string | null {
  const self = selfCommand();
  if (self.length > 1) return null;
  try {
    const [mine, theirs] = [realpathSync(self[0]!), realpathSync(command)];
    if (mine === theirs || buildId(mine) === buildId(theirs) || sameBytes(mine, theirs)) return null;
    const file = Bun.file(theirs);
    return `${(file.size / 2 ** 20).toFixed(1)} MB, built ${new Date(file.lastModified).toISOString().slice(0, 10)}`;
  } catch {
    return null; // unreadable: the checks above say what is wrong with it
  }
}

/** A copy of the same binary (its date is the copy's): the same size, and the same first and last 4 MiB. */
function sameBytes(a: string, b: string): boolean {
  const [fa, fb] = [statSync(a).size, statSync(b).size];
  if (fa !== fb) return false;
  const ends = (path: string) => {
    const fd = openSync(path, "r");
    try {
      const n = Math.min(fa, 4 * 2 ** 20);
      const head = Buffer.alloc(n);
      const tail = Buffer.alloc(n);
      readSync(fd, head, 0, n, 0);
      readSync(fd, tail, 0, n, fa - n);
      return Bun.hash(Buffer.concat([head, tail]));
    } finally {
      closeSync(fd);
    }
  };
  return ends(a) === ends(b);
}
