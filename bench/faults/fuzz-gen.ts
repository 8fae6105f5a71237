/** @module Seeded fuzz inputs: random bytes, truncated and mutated JSON-RPC and hook JSON, huge and deep values, odd unicode, CLI argument lists. */
import type { Rng } from "../rng.ts";

const ODD = [
  "\u0000", "\u0007", "\u001b[31m", "\u200b", "\u200d", "\u202e", "\ufeff", "\ud800", "\udfff", "\uffff", "e\u0301\u0301\u0301",
  "😀", "👩‍👩‍👧‍👦", "𝕏", "記憶", "größe", "مرحبا", "\r\n", "\t", "\\", '"', "'", "`", "$(id)", "%s%n", "../../etc/passwd", "NaN", "-1", "1e309",
];
const WORDS = "harbour crane deploy cache schema token budget agent pnpm build lock retry queue river stone".split(" ");

export function oddText(rng: Rng, max: number): string {
  const n = rng.int(0, max);
  let s = "";
  while (s.length < n) s += rng.chance(0.3) ? rng.pick(ODD) : rng.chance(0.5) ? rng.pick(WORDS) + " " : String.fromCharCode(rng.int(0, 0xffff));
  return s;
}

export function randomBytes(rng: Rng, max: number): Uint8Array {
  const out = new Uint8Array(rng.int(0, max));
  for (let i = 0; i < out.length; i++) out[i] = rng.int(0, 255);
  return out;
}

/** A JSON text nested `depth` levels deep (built as text: JSON.stringify would overflow the stack). */
export function deepJson(rng: Rng, depth: number): string {
  return rng.chance(0.5) ? `${"[".repeat(depth)}1${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** A value of some JSON type, sometimes huge, deep or odd. */
export function anyValue(rng: Rng): unknown {
  switch (rng.int(0, 9)) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER]);
    case 3: return oddText(rng, 40);
    case 4: return "x".repeat(rng.int(10_000, 200_000));
    case 5: return Array.from({ length: rng.int(0, 20) }, () => oddText(rng, 10));
    case 6: return Array.from({ length: rng.int(1000, 20_000) }, (_, i) => `t${i}`);
    case 7: return { [oddText(rng, 8)]: oddText(rng, 20) };
    default: return WORDS.slice(0, rng.int(1, 6)).join(" ");
  }
}

/** Flips, drops, inserts or cuts bytes of a text. */
export function mutate(rng: Rng, text: string): string {
  let s = text;
  for (let k = rng.int(1, 4); k > 0; k--) {
    const at = rng.int(0, Math.max(0, s.length - 1));
    switch (rng.int(0, 4)) {
      case 0: s = s.slice(0, at); break;
      case 1: s = s.slice(0, at) + s.slice(at + rng.int(1, 5)); break;
      case 2: s = s.slice(0, at) + rng.pick(['"', "{", "}", "[", "]", ",", ":", "\\", "\u0000", "\n", "null"]) + s.slice(at); break;
      case 3: s = s.slice(0, at) + String.fromCharCode(rng.int(0, 0xffff)) + s.slice(at + 1); break;
      default: s = s.slice(0, at) + rng.pick(ODD) + s.slice(at);
    }
  }
  return s;
}

const TOOLS = ["recall", "remember", "get", "list", "update", "forget", "relate", "timeline", "checkpoint", "resume", "stats"];
const ARGS = ["query", "content", "id", "tags", "type", "project", "metadata", "limit", "mode", "since", "until", "budget", "task", "progress", "next_steps", "from", "to", "relation", "reason", "priority", "event_time", "status", "offset"];
const METHODS = ["tools/call", "tools/list", "resources/list", "resources/read", "prompts/get", "prompts/list", "ping", "initialize", "completion/complete", "logging/setLevel", "nonsense/method"];

/** One MCP input line (may hold newlines itself, which makes several lines). */
export function mcpLine(rng: Rng, id: number): string {
  const kind = rng.int(0, 9);
  if (kind === 0) return Buffer.from(randomBytes(rng, 300)).toString("latin1");
  if (kind === 1) return `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${rng.pick(TOOLS)}","arguments":{"${rng.pick(ARGS)}":${deepJson(rng, rng.int(30, 50_000))}}}}`;
  const args: Record<string, unknown> = {};
  for (let k = rng.int(0, 4); k > 0; k--) args[rng.pick(ARGS)] = anyValue(rng);
  const method = rng.chance(0.7) ? "tools/call" : rng.pick(METHODS);
  const params =
    method === "tools/call" ? { name: rng.chance(0.9) ? rng.pick(TOOLS) : oddText(rng, 10), arguments: rng.chance(0.95) ? args : anyValue(rng) }
    : method === "resources/read" ? { uri: rng.chance(0.5) ? `cairn://memory/${oddText(rng, 50)}` : oddText(rng, 30) }
    : method === "prompts/get" ? { name: rng.chance(0.5) ? "briefing" : oddText(rng, 10), arguments: args }
    : args;
  const msg = JSON.stringify({ jsonrpc: "2.0", id: rng.chance(0.9) ? id : anyValue(rng), method, params });
  return kind <= 4 ? mutate(rng, msg) : msg;
}

const EVENTS = ["session-start", "prompt", "pre-tool", "post-tool", "post-tool-failure", "stop", "pre-compact", "session-end", "PreToolUse", "nonsense"];

/** One hook call: the event argument and stdin. */
export function hookInput(rng: Rng, cwd: string): { event: string; stdin: string | Uint8Array } {
  const event = rng.pick(EVENTS);
  const kind = rng.int(0, 7);
  if (kind === 0) return { event, stdin: randomBytes(rng, 500) };
  if (kind === 1) return { event, stdin: `{"session_id":"f","cwd":${JSON.stringify(cwd)},"tool_name":"Bash","tool_input":${deepJson(rng, rng.int(100, 50_000))}}` };
  const body: Record<string, unknown> = {
    session_id: rng.chance(0.8) ? `s${rng.int(0, 5)}` : anyValue(rng),
    cwd: rng.chance(0.8) ? cwd : anyValue(rng),
    hook_event_name: rng.chance(0.5) ? "UserPromptSubmit" : anyValue(rng),
    prompt: rng.chance(0.5) ? `From now on use ${rng.pick(WORDS)} for ${oddText(rng, 30)}.` : anyValue(rng),
    tool_name: rng.pick(["Bash", "Edit", "Read", oddText(rng, 8)]),
    tool_input: rng.chance(0.5) ? { command: rng.chance(0.5) ? "git push --force" : oddText(rng, 60), file_path: oddText(rng, 30) } : anyValue(rng),
    tool_response: rng.chance(0.5) ? { stdout: oddText(rng, 200), exit_code: rng.int(0, 2) } : anyValue(rng),
  };
  const text = JSON.stringify(body);
  return { event, stdin: kind <= 3 ? mutate(rng, text) : text };
}

const COMMANDS = ["remember", "recall", "get", "list", "edit", "forget", "restore", "export", "import", "stats", "doctor", "config", "models", "version", "setup", "nonsense"];
const FLAGS = ["--json", "--type", "--tags", "--project", "--limit", "--mode", "--since", "--until", "--content", "--priority", "--event-time", "--status", "--reason", "--global", "--budget", "--explain", "--no-embed", "--output", "--history", "--help", "-x", "--"];

/** One CLI call: arguments (no NUL: argv cannot carry it) and maybe stdin. Never a command that would erase data for good or touch client configs. */
export function cliInput(rng: Rng): { args: string[]; stdin?: string } {
  const clean = (s: string) => s.replaceAll("\u0000", "");
  const command = rng.pick(COMMANDS.filter((c) => c !== "setup"));
  const args = [command];
  for (let k = rng.int(0, 4); k > 0; k--) {
    if (rng.chance(0.5)) args.push(rng.pick(FLAGS));
    const v = rng.chance(0.7) ? oddText(rng, 60) : rng.chance(0.5) ? "y".repeat(rng.int(1000, 100_000)) : rng.pick(["-", "0", "-5", "all", "global", "hybrid", "1e9"]);
    args.push(clean(v));
  }
  const stdin = args.includes("-") || command === "import" ? (rng.chance(0.5) ? mutate(rng, `{"content":"${oddText(rng, 40).replace(/["\\]/g, "")}"}\n`) : clean(oddText(rng, 400))) : undefined;
  // `import` of a path that exists is harmless, but `--output` could write anywhere: keep it in the cwd.
  return { args: args.map((a, i) => (args[i - 1] === "--output" ? "fuzz-out.jsonl" : a)), stdin };
}
