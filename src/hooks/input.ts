/** @module Reading a hook event: the CLI event name and stdin JSON (Claude Code snake_case, VS Code camelCase) → one shape. */
import { nestingDepth } from "../domain/nesting.ts";
import { own } from "../domain/own.ts";

/** Deeper events are logged as malformed (they are still answered). */
const MAX_EVENT_DEPTH = 64;

/** The events cairn handles; the CLI names `cairn setup` registers. */
export type HookEvent = "session-start" | "prompt" | "pre-tool" | "post-tool" | "stop" | "pre-compact" | "session-end";

/** Claude Code's (and VS Code's) event names, lower-cased, and our own CLI names → the handler. */
const EVENT_NAMES: Record<string, HookEvent> = {
  "session-start": "session-start",
  sessionstart: "session-start",
  prompt: "prompt",
  userpromptsubmit: "prompt",
  "pre-tool": "pre-tool",
  pretooluse: "pre-tool",
  "post-tool": "post-tool",
  posttooluse: "post-tool",
  posttoolusefailure: "post-tool",
  "post-tool-failure": "post-tool",
  stop: "stop",
  "pre-compact": "pre-compact",
  precompact: "pre-compact",
  "session-end": "session-end",
  sessionend: "session-end",
};

/** Claude's name for each event, for `hookSpecificOutput.hookEventName` (it must match the event). */
export const CLAUDE_EVENT_NAMES: Record<HookEvent, string> = {
  "session-start": "SessionStart",
  prompt: "UserPromptSubmit",
  "pre-tool": "PreToolUse",
  "post-tool": "PostToolUse",
  stop: "Stop",
  "pre-compact": "PreCompact",
  "session-end": "SessionEnd",
};

export function eventFromName(name: string | undefined): HookEvent | null {
  if (!name) return null;
  const lower = name.trim().toLowerCase();
  return own(EVENT_NAMES, lower.replace(/_/g, "-")) ?? own(EVENT_NAMES, lower.replace(/[-_]/g, "")) ?? null;
}

/** What a tool call is, for our purposes: an edit of a file, a shell command, or something we ignore. */
export type ToolKind = "edit" | "shell" | "other";

export interface HookInput {
  event: HookEvent;
  /** The event name the agent sent (e.g. PostToolUseFailure), which the output echoes. */
  agentEvent: string;
  sessionId: string | null;
  cwd: string;
  prompt: string;
  toolName: string;
  toolKind: ToolKind;
  /** Edit/Write/MultiEdit target (absolute, as the agent gave it). */
  filePath: string | null;
  /** Bash command line. */
  command: string | null;
  /** Shell result, when the agent reports one. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** PostToolUseFailure's `error`, or a tool_response error text. */
  error: string | null;
  /** True when the agent itself flagged the tool call as failed. */
  failed: boolean;
  /** The user stopped the tool call (PostToolUseFailure `is_interrupt`): not an error of the command. */
  interrupted: boolean;
  lastAssistantMessage: string;
  stopHookActive: boolean;
  customInstructions: string;
  /** SessionStart `source` (startup/resume/clear/compact) or SessionEnd `reason`. */
  source: string;
  /** The event came in VS Code's camelCase shape (sessionId, hookEventName). */
  camelCase: boolean;
}

const SHELL_TOOLS = new Set(["bash", "runterminalcommand", "run_in_terminal", "runinterminal", "shell", "powershell"]);
const EDIT_TOOLS = new Set([
  "edit", "write", "multiedit", "notebookedit",
  "editfiles", "create_file", "createfile", "replace_string_in_file", "replacestringinfile", "insert_edit_into_file",
  "multi_replace_string_in_file", "apply_patch",
]);

export function toolKind(name: string): ToolKind {
  const n = name.toLowerCase();
  if (SHELL_TOOLS.has(n)) return "shell";
  if (EDIT_TOOLS.has(n)) return "edit";
  return "other";
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function num(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return null;
}

/** The shell result, in whichever shape the agent reports it (Claude: stdout/stderr/interrupted; others: exit codes). */
function shellResult(response: unknown): { exitCode: number | null; stdout: string; stderr: string; error: string | null; failed: boolean } {
  if (typeof response === "string") return { exitCode: null, stdout: response, stderr: "", error: null, failed: false };
  const r = record(response);
  const exitCode = num(r.exit_code ?? r.exitCode ?? r.returnCode ?? r.return_code ?? r.code);
  const errText = text(r.error) || (typeof r.is_error === "boolean" && r.is_error ? text(r.content) || text(r.output) : "");
  return {
    exitCode,
    stdout: text(r.stdout) || text(r.output),
    stderr: text(r.stderr),
    error: errText || null,
    failed: r.is_error === true || r.isError === true || r.success === false || (exitCode !== null && exitCode !== 0),
  };
}

/** An absolute path: POSIX, a Windows drive, or a UNC share (no node:path import on the hook's hot path). */
const ABSOLUTE = /^(?:\/|[A-Za-z]:[\\/]|\\\\)/;
/** A control character (NUL, ESC, DEL …): no folder an agent works in has one (QA: each made a second project). */
const CONTROL = /\p{Cc}/u;

/** Cursor sends the workspace's folders instead of a cwd (`workspace_roots`): the first one is the project (QA). */
function firstRoot(roots: unknown): string | undefined {
  return Array.isArray(roots) && typeof roots[0] === "string" ? roots[0] : undefined;
}

/**
 * The event's working directory when it can name one: an absolute path without a control character (QA: a cwd
 * ending in NUL made a second project of the same folder). Otherwise undefined, with a problem to log.
 */
function usableCwd(cwd: string | undefined, problems: string[]): string | undefined {
  if (!cwd) return undefined;
  if (!CONTROL.test(cwd) && ABSOLUTE.test(cwd)) return cwd;
  problems.push(`cwd ${JSON.stringify(cwd.slice(0, 200))} is not an absolute path without control characters; the hook's own working directory is used`);
  return undefined;
}

/**
 * Parses stdin into a {@link HookInput}. The event comes from the CLI argument, else from the JSON's own
 * event name. Returns null when there is nothing to act on (unknown event, not a JSON object). What was
 * wrong with the input, if anything, is pushed to `problems` (for hooks.log), one short reason each.
 */
export function parseHookInput(argEvent: string | undefined, raw: string, fallbackCwd: string, problems: string[] = []): HookInput | null {
  let json: unknown;
  if (raw.trim() === "") {
    problems.push("stdin was empty (expected the agent's event JSON)");
    json = {};
  } else {
    try {
      json = JSON.parse(raw);
    } catch (err) {
      problems.push(`stdin is not JSON (${oneLineReason(err)}); event skipped`);
      return null;
    }
  }
  // Hand-checked rather than schema-validated: every field tolerates a wrong type (→ absent) instead of
  // rejecting the event, since agents differ and change; and not loading a schema library keeps ~10 ms
  // off every hook call.
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    problems.push(`stdin is ${json === null ? "null" : Array.isArray(json) ? "an array" : `a ${typeof json}`}, not a JSON object; event skipped`);
    return null;
  }
  const raw_ = json as Record<string, unknown>;
  // Answered all the same (only known fields are read), but worth a line: no agent nests events this deep.
  if (nestingDepth(raw_, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH) problems.push(`the event nests more than ${MAX_EVENT_DEPTH} levels deep; only its known fields were read`);
  problems.push(...shapeProblems(raw_));
  const str = (...keys: string[]): string | undefined => {
    for (const k of keys) if (typeof raw_[k] === "string") return raw_[k] as string;
    return undefined;
  };
  const bool = (...keys: string[]): boolean | undefined => {
    for (const k of keys) if (typeof raw_[k] === "boolean") return raw_[k] as boolean;
    return undefined;
  };
  const d = {
    error: raw_.error,
    cwd: str("cwd"),
    prompt: str("prompt"),
    source: str("source"),
    reason: str("reason"),
    trigger: str("trigger"),
    session_id: str("session_id"),
    sessionId: str("sessionId"),
    tool_input: raw_.tool_input,
    toolInput: raw_.toolInput,
    tool_response: raw_.tool_response,
    toolResponse: raw_.toolResponse,
  };
  const sentEvent = str("hook_event_name", "hookEventName") ?? "";
  const event = eventFromName(argEvent) ?? eventFromName(sentEvent);
  // A mistyped event in the hook's command line (answered by the event the agent sent) is worth a log line.
  if (argEvent && !eventFromName(argEvent) && event) problems.push(`"${argEvent}" is not an event cairn handles; answered as the ${sentEvent} the agent sent`);
  if (!event) {
    problems.push(`"${(argEvent ?? sentEvent) || "(none)"}" is not an event cairn handles; event skipped`);
    return null;
  }
  // The output must name the event it answers; trust the agent's spelling only when it is the same event.
  const agentEvent = eventFromName(sentEvent) === event ? sentEvent : CLAUDE_EVENT_NAMES[event];
  const toolName = str("tool_name", "toolName") ?? "";
  const toolInput = record(d.tool_input ?? d.toolInput);
  const response = d.tool_response ?? d.toolResponse;
  const shell = shellResult(response);
  // An error object says its message; one without any is a failure with no text to keep (QA: `{"nested":true}`
  // was stored as the error).
  const topError = typeof d.error === "string" ? d.error : text(record(d.error).message) || null;
  const errorGiven = d.error !== undefined && d.error !== null && d.error !== false;
  const isFailureEvent = sentEvent.toLowerCase() === "posttoolusefailure" || argEvent?.toLowerCase() === "post-tool-failure";
  const exitFromError = topError ? num(/^Exit code (-?\d+)/i.exec(topError)?.[1]) : null;
  return {
    event,
    agentEvent,
    sessionId: d.session_id ?? d.sessionId ?? null,
    cwd: usableCwd(d.cwd || firstRoot(raw_.workspace_roots), problems) ?? fallbackCwd,
    prompt: d.prompt ?? "",
    toolName,
    toolKind: toolKind(toolName),
    filePath: text(toolInput.file_path) || text(toolInput.filePath) || text(toolInput.path) || text(toolInput.notebook_path) || null,
    command: text(toolInput.command) || text(toolInput.commandLine) || null,
    exitCode: shell.exitCode ?? exitFromError,
    stdout: shell.stdout,
    stderr: shell.stderr,
    error: topError ?? shell.error,
    failed: isFailureEvent || errorGiven || shell.failed,
    interrupted: raw_.is_interrupt === true || raw_.isInterrupt === true,
    lastAssistantMessage: str("last_assistant_message", "lastAssistantMessage") ?? "",
    stopHookActive: bool("stop_hook_active", "stopHookActive") ?? false,
    customInstructions: str("custom_instructions", "customInstructions") ?? "",
    source: d.source ?? d.reason ?? d.trigger ?? "",
    camelCase: d.session_id === undefined && d.sessionId !== undefined,
  };
}

/**
 * The parser's reason without the input it quotes (`Unexpected identifier "<first word>"`): what was sent
 * instead of an event may be anything the user pasted, a bare key included, and hooks.log keeps no user text.
 */
const oneLineReason = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).split("\n")[0]!.replace(/"[^"]*"?/g, "(input)").slice(0, 120);

/**
 * The type each known field must have; anything else is ignored (treated as absent) and reported.
 * `tool_response` is not checked: its shape is the tool's own (VS Code runs these hooks for every tool).
 */
const FIELD_TYPES: Record<string, "string" | "boolean" | "object"> = {
  session_id: "string", sessionId: "string", cwd: "string", hook_event_name: "string", hookEventName: "string",
  prompt: "string", tool_name: "string", toolName: "string", source: "string", reason: "string", trigger: "string",
  last_assistant_message: "string", lastAssistantMessage: "string", custom_instructions: "string", customInstructions: "string",
  stop_hook_active: "boolean", stopHookActive: "boolean", is_interrupt: "boolean",
  tool_input: "object", toolInput: "object",
};

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** Fields present with the wrong type, e.g. `session_id is a number, expected a string`. */
export function shapeProblems(json: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, want] of Object.entries(FIELD_TYPES)) {
    const v = json[key];
    if (v === undefined) continue;
    const ok = want === "object" ? typeName(v) === "an object" : typeof v === want;
    if (!ok) out.push(`${key} is ${typeName(v)}, expected ${want === "object" ? "an object" : `a ${want}`}`);
  }
  // Only the tools cairn reads: other tools' inputs are theirs to shape.
  const name = [json.tool_name, json.toolName].find((n): n is string => typeof n === "string") ?? "";
  const input = json.tool_input ?? json.toolInput;
  if (toolKind(name) !== "other" && input && typeof input === "object" && !Array.isArray(input)) {
    for (const key of ["command", "file_path", "filePath"]) {
      const v = (input as Record<string, unknown>)[key];
      if (v !== undefined && typeof v !== "string") out.push(`tool_input.${key} is ${typeName(v)}, expected a string`);
    }
  }
  return out;
}
