/**
 * @module Claude Code: the MCP server in `~/.claude.json` (user) or `<project>/.mcp.json`, and the hooks in
 * `~/.claude/settings.json` or `<project>/.claude/settings.json`, merged into the event → matcher group →
 * handlers schema. cairn's handlers are recognised by their `cairn hook` command, never by position.
 */
import { join } from "node:path";
import { type JsonObject, type Op, type OpsResult, isObject, jsonTarget, mcpEntry, mcpServerOps, sameJson } from "./json-file.ts";
import { exists, fileMode, shellCommand } from "./locations.ts";
import { type Change, type ClientSetup, readText, type SetupContext, SetupFileError } from "./plan.ts";
import { parseJsonc } from "./jsonc.ts";

/** Claude Code event → `cairn hook` event name, matcher, and timeout in seconds (kept short: hooks block the agent). */
export const CLAUDE_HOOKS: ReadonlyArray<{ event: string; name: string; matcher?: string; timeout: number }> = [
  { event: "SessionStart", name: "session-start", matcher: "startup|resume|clear|compact|fork", timeout: 10 },
  { event: "UserPromptSubmit", name: "prompt", timeout: 5 },
  { event: "PreToolUse", name: "pre-tool", matcher: "Edit|Write|MultiEdit|Bash", timeout: 5 },
  { event: "PostToolUse", name: "post-tool", matcher: "Edit|Write|MultiEdit|Bash", timeout: 5 },
  // A failing command never reaches PostToolUse: Claude Code sends it here (`error`: "Exit code N\n…").
  { event: "PostToolUseFailure", name: "post-tool-failure", matcher: "Bash", timeout: 5 },
  { event: "Stop", name: "stop", timeout: 10 },
  { event: "PreCompact", name: "pre-compact", timeout: 10 },
  { event: "SessionEnd", name: "session-end", timeout: 5 },
];

/** `NAME=value ` assignments before a command (the value quoted or not). */
const ASSIGNMENT = String.raw`[A-Za-z_][A-Za-z0-9_]*=(?:'(?:[^']|'\\'')*'|"(?:[^"\\]|\\.)*"|[^\s'"|;&]*)\s+`;
/** An executable named cairn: a path ending in it or the bare name, quoted or not. */
const CAIRN_EXECUTABLE = String.raw`(?:'(?:[^']*[\\/])?cairn(?:\.exe)?'|"(?:[^"]*[\\/])?cairn(?:\.exe)?"|(?:[^\s'"|;&]*[\\/])?cairn(?:\.exe)?)`;
/**
 * cairn's handler: the command (after variable assignments), or the last stage of a pipeline the user wrapped it
 * in, runs an executable named cairn with `hook` first. A command that only mentions `cairn hook stop` (echoed,
 * in a comment, as an argument) is the user's own (QA: setup replaced, and --uninstall deleted, such hooks).
 */
const CAIRN_HANDLER = new RegExp(String.raw`^(?<prefix>(?:[^|'"#]|'[^']*'|"(?:[^"\\]|\\.)*")*\|\s*)?(?<vars>(?:${ASSIGNMENT})*)(?<exe>${CAIRN_EXECUTABLE})\s+hook(?:\s|$)`);

/** A shell word as the shell reads it: quotes taken off (`'…'` with `'\''` inside, `"…"` with backslash escapes). */
export const unquote = (word: string): string =>
  word.startsWith("'") ? word.slice(1, -1).replace(/'\\''/g, "'") : word.startsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, "$1") : word;

/** cairn's invocation in a handler's command, or null when none ({@link CAIRN_HANDLER}). */
export interface CairnInvocation {
  /** The pipeline before it, with its `|` (empty when none). */
  prefix: string;
  /** The variable assignments set for it, as written (`NAME='value'`), in order. */
  assignments: string[];
  /** Those variables' values, unquoted, by name. */
  vars: Map<string, string>;
  executable: string;
}

export function cairnInvocation(command: string): CairnInvocation | null {
  const m = CAIRN_HANDLER.exec(command.trimStart());
  if (!m) return null;
  const assignments = [...(m.groups!.vars ?? "").matchAll(new RegExp(ASSIGNMENT, "g"))].map((a) => a[0].trim());
  const vars = new Map(assignments.map((a) => [a.slice(0, a.indexOf("=")), unquote(a.slice(a.indexOf("=") + 1))] as const));
  return { prefix: m.groups!.prefix?.trimEnd() ?? "", assignments, vars, executable: unquote(m.groups!.exe!) };
}

/** A hook command cairn wrote (or the user wrapped, {@link CAIRN_HANDLER}); `ownCommand` this binary's command. */
export function isCairnHook(command: unknown, ownCommand?: string): boolean {
  if (typeof command !== "string") return false;
  if (ownCommand !== undefined && command.startsWith(`${ownCommand} hook `)) return true;
  return CAIRN_HANDLER.test(command.trimStart());
}

/**
 * The command cairn's handler should run, from the one the user has: setup's `wanted` command, after the user's own
 * variables (those setup does not set) and the pipeline they wrapped it in (`tee -a log | cairn hook stop`).
 */
export function keepUsersParts(current: string, wanted: string, setupVars: readonly string[]): string {
  const found = cairnInvocation(current);
  if (!found) return wanted;
  const own = found.assignments.filter((a) => !setupVars.includes(a.slice(0, a.indexOf("="))));
  return [found.prefix, ...own, wanted].filter((part) => part !== "").join(" ");
}

/** Claude Code runs the hooks of every settings file: cairn's in two of them run twice (two briefings, two captures). */
export function twiceRegistered(files: readonly string[]): string {
  return `cairn's hooks are in ${files.join(" and ")}: Claude Code runs both, so every event runs cairn twice; keep one (\`cairn setup --client claude-code --project --uninstall\` removes the project's)`;
}

/** The settings file at `path` as an object; null when missing, unreadable or malformed. */
function settingsAt(path: string): JsonObject | null {
  try {
    const value = parseJsonc(readText(path) ?? "") as JsonObject | null;
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** Whether the settings file at `path` registers a cairn hook (unreadable or malformed: no). */
export function hasCairnHooks(path: string): boolean {
  const value = settingsAt(path);
  const hooks = value && isObject(value.hooks) ? value.hooks : {};
  return Object.values(hooks).some((groups) => Array.isArray(groups) && groups.some((g) => handlersOf(g).some((h) => isObject(h) && isCairnHook(h.command))));
}

/** The note for a settings file that turns every hook off: Claude Code then runs none, cairn's included (QA). */
export const hooksOffNote = (path: string): string =>
  `${path} sets "disableAllHooks": true, so Claude Code runs no hooks, cairn's included: remove it for memories to be injected and captured`;

/** Whether the settings file at `path` holds `"disableAllHooks": true`. */
export function hooksDisabled(path: string): boolean {
  return settingsAt(path)?.disableAllHooks === true;
}

/** `~/.claude` (or CLAUDE_CONFIG_DIR, which Claude Code uses for both settings and its `.claude.json`). */
const configDir = (ctx: SetupContext): string => ctx.env.CLAUDE_CONFIG_DIR || join(ctx.home, ".claude");
const stateFile = (ctx: SetupContext): string => (ctx.env.CLAUDE_CONFIG_DIR ? join(ctx.env.CLAUDE_CONFIG_DIR, ".claude.json") : join(ctx.home, ".claude.json"));

/**
 * A "local" cairn server of this project in `~/.claude.json` (`projects["<dir>"].mcpServers.cairn`, what `claude
 * mcp add cairn -- cairn mcp` writes by default): Claude Code starts it instead of the user or project entry.
 */
export function localServerEntry(ctx: SetupContext): { file: string; command: string } | undefined {
  try {
    const file = stateFile(ctx);
    const command = localServerIn(parseJsonc(readText(file) ?? ""), ctx.projectDir);
    return command === undefined ? undefined : { file, command };
  } catch {
    return undefined;
  }
}

/** The command of the local cairn server of `projectDir` in a parsed `~/.claude.json`, if it has one. */
export function localServerIn(value: unknown, projectDir: string): string | undefined {
  const project = isObject(value) && isObject(value.projects) ? value.projects[projectDir] : undefined;
  const entry = isObject(project) && isObject(project.mcpServers) ? project.mcpServers.cairn : undefined;
  return isObject(entry) ? (typeof entry.command === "string" ? entry.command : "") : undefined;
}

/** What doctor and setup say of a local entry ({@link localServerEntry}). */
export function localServerNote(local: { file: string; command: string }, projectDir: string): string {
  return `a local "cairn" server for ${projectDir} in ${local.file} (command ${local.command || "none"}) is what Claude Code starts there, not setup's: \`claude mcp remove cairn -s local\` removes it`;
}

export function claudeCodeFiles(ctx: SetupContext): { mcp: string; hooks: string } {
  if (ctx.scope === "project") return { mcp: join(ctx.projectDir, ".mcp.json"), hooks: join(ctx.projectDir, ".claude", "settings.json") };
  return { mcp: stateFile(ctx), hooks: join(configDir(ctx), "settings.json") };
}

export const claudeCode: ClientSetup = {
  id: "claude-code",
  name: "Claude Code",
  scopes: ["user", "project"],
  detect: (ctx) => exists(stateFile(ctx)) || exists(configDir(ctx)),
  targets(ctx) {
    const files = claudeCodeFiles(ctx);
    const entry = mcpEntry(ctx, { type: "stdio", command: ctx.command, args: ["mcp"] });
    return [
      jsonTarget(files.mcp, "mcp", fileMode(ctx), (v) => mcpServerOps(v, "mcpServers", entry, ctx.uninstall)),
      jsonTarget(files.hooks, "hooks", fileMode(ctx), (v) => (ctx.uninstall ? removeHookOps(v, ctx.command) : addHookOps(v, ctx))),
    ];
  },
  notes: (ctx) => (ctx.scope === "project" ? ["Claude Code asks once before it starts a server from a project's .mcp.json."] : []),
};

function hooksOf(value: JsonObject): JsonObject | undefined {
  const hooks = value.hooks;
  if (hooks !== undefined && !isObject(hooks)) throw new SetupFileError('"hooks" is not a JSON object; cairn left the file untouched');
  return hooks;
}

function groupsOf(hooks: JsonObject | undefined, event: string): unknown[] | undefined {
  const groups = hooks?.[event];
  if (groups !== undefined && !Array.isArray(groups)) throw new SetupFileError(`"hooks.${event}" is not a list; cairn left the file untouched`);
  return groups;
}

const handlersOf = (group: unknown): unknown[] => (isObject(group) && Array.isArray(group.hooks) ? group.hooks : []);

/** Positions of cairn's handlers in one event's groups. */
function cairnPositions(groups: unknown[], own: string): Array<{ g: number; h: number }> {
  const found: Array<{ g: number; h: number }> = [];
  groups.forEach((group, g) => handlersOf(group).forEach((handler, h) => isObject(handler) && isCairnHook(handler.command, own) && found.push({ g, h })));
  return found;
}

/**
 * Removal operations for handlers at `positions`, highest index first so earlier indices stay valid.
 * A group left with no handlers goes too, and the event key when no group is left.
 */
function removals(groups: unknown[], positions: Array<{ g: number; h: number }>, event: string): { ops: Op[]; emptiesEvent: boolean } {
  const ops: Op[] = [];
  let groupsLeft = groups.length;
  const byGroup = new Map<number, number[]>();
  for (const p of positions) byGroup.set(p.g, [...(byGroup.get(p.g) ?? []), p.h]);
  for (const g of [...byGroup.keys()].sort((a, b) => b - a)) {
    const hs = byGroup.get(g)!.sort((a, b) => b - a);
    if (hs.length === handlersOf(groups[g]).length) {
      ops.push({ kind: "remove", path: ["hooks", event, g] });
      groupsLeft--;
    } else for (const h of hs) ops.push({ kind: "remove", path: ["hooks", event, g, "hooks", h] });
  }
  return groupsLeft === 0 ? { ops: [{ kind: "remove", path: ["hooks", event] }], emptiesEvent: true } : { ops, emptiesEvent: false };
}

/**
 * The shell command of cairn's handler for hook `name`, its data directory named first when it must be
 * (`CAIRN_HOME='/data/cairn' /usr/local/bin/cairn hook prompt`; not on Windows, whose shells differ: said in
 * setup's warnings).
 */
export function hookCommand(ctx: Pick<SetupContext, "command" | "platform" | "dataEnv">, name: string): string {
  const command = shellCommand(ctx.command, ctx.platform, "hook", name);
  if (ctx.platform === "win32") return command;
  const vars = Object.entries(ctx.dataEnv).flatMap(([k, v]) => (v === null ? [] : [`${k}='${v.replace(/'/g, `'\\''`)}'`]));
  return [...vars, command].join(" ");
}

export function addHookOps(value: JsonObject, ctx: SetupContext): OpsResult {
  const hooks = hooksOf(value);
  const ops: Op[] = [];
  const changes: Change[] = [];
  for (const spec of CLAUDE_HOOKS) {
    const command = hookCommand(ctx, spec.name);
    const groups = groupsOf(hooks, spec.event) ?? [];
    const found = cairnPositions(groups, ctx.command);
    const key = `hooks.${spec.event}`;
    const keep = found.find(({ g }) => ((groups[g] as JsonObject).matcher ?? "") === (spec.matcher ?? ""));
    const extra = found.filter((p) => p !== keep);
    const handler = keep ? (handlersOf(groups[keep.g])[keep.h] as JsonObject) : undefined;
    const wanted = { type: "command", command: handler ? keepUsersParts(String(handler.command), command, Object.keys(ctx.dataEnv)) : command, timeout: spec.timeout };
    if (keep && handler) {
      // A longer timeout the user gave is theirs to keep (QA: setup set a raised 20 back to 5); a shorter one
      // would cut cairn's own deadline, so it is raised.
      const raised = typeof handler.timeout === "number" && handler.timeout >= spec.timeout;
      const differing = Object.entries(wanted).filter(([k, v]) => !sameJson(handler[k], v) && !(k === "timeout" && raised));
      for (const [k, v] of differing) ops.push({ kind: "set", path: ["hooks", spec.event, keep.g, "hooks", keep.h, k], value: v });
      if (differing.length > 0) changes.push({ action: "updated", key, detail: wanted.command });
    }
    if (keep && extra.length > 0) {
      // Stale or duplicate cairn handlers (old path, other matcher): one handler per event is the contract.
      ops.push(...removals(groups, extra, spec.event).ops);
      changes.push({ action: "removed", key, detail: `${extra.length} duplicate cairn handler(s)` });
    }
    if (!keep) {
      // Put in place of cairn's handler under another matcher: a longer timeout the user gave it is kept (QA re-check).
      const theirs = Math.max(0, ...extra.map(({ g, h }) => Number((handlersOf(groups[g])[h] as JsonObject).timeout) || 0));
      const group = { ...(spec.matcher ? { matcher: spec.matcher } : {}), hooks: [{ ...wanted, timeout: Math.max(spec.timeout, theirs) }] };
      const removed = removals(groups, extra, spec.event);
      // Replacing a list that held only cairn's old handlers keeps the event key where the user had it.
      if (hooks?.[spec.event] === undefined || (extra.length > 0 && removed.emptiesEvent)) ops.push({ kind: "set", path: ["hooks", spec.event], value: [group] });
      else ops.push(...(extra.length > 0 ? removed.ops : []), { kind: "set", path: ["hooks", spec.event, -1], value: group });
      changes.push({ action: extra.length > 0 ? "updated" : "added", key, detail: wanted.command });
    }
  }
  return { ops, changes };
}

export function removeHookOps(value: JsonObject, own: string): OpsResult {
  const hooks = hooksOf(value);
  if (!hooks) return { ops: [], changes: [] };
  const ops: Op[] = [];
  const changes: Change[] = [];
  let eventsLeft = Object.keys(hooks).length;
  for (const event of Object.keys(hooks)) {
    const groups = hooks[event];
    if (!Array.isArray(groups)) continue;
    const found = cairnPositions(groups, own);
    if (found.length === 0) continue;
    const removed = removals(groups, found, event);
    ops.push(...removed.ops);
    if (removed.emptiesEvent) eventsLeft--;
    changes.push({ action: "removed", key: `hooks.${event}`, detail: found.map(({ g, h }) => (handlersOf(groups[g])[h] as JsonObject).command).join(", ") });
  }
  // When cairn's were the only hooks, drop the "hooks" key it created rather than leave `{}` behind.
  if (eventsLeft === 0 && ops.length > 0) return { ops: [{ kind: "remove", path: ["hooks"] }], changes };
  return { ops, changes };
}
