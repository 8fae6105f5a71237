/**
 * @module The only stdout writer of `cairn hook`: one JSON object carrying `additionalContext` for the
 * event, capped below the agent's 10,000-character limit, or nothing at all.
 */
import { quoteForAgent } from "../text/markup.ts";
import { PLACEHOLDERS } from "./command.ts";
import type { HookInput } from "./input.ts";
import { cutIndex } from "../text/cut.ts";

/** Claude Code replaces longer hook output by a file path and a preview; we stay under it ourselves. */
export const MAX_CONTEXT_CHARS = 10_000;

const CUT_MARK = "\n… (cut to fit)";

/** Cuts `text` to the cap at a line break when one is near, so the agent never sees half a memory. */
export function capContext(text: string, max = MAX_CONTEXT_CHARS): string {
  if (text.length <= max) return text;
  const room = max - CUT_MARK.length;
  const nl = text.lastIndexOf("\n", room);
  return `${text.slice(0, nl > room * 0.6 ? nl : cutIndex(text, room))}${CUT_MARK}`;
}

/** Events whose additionalContext reaches the model (Stop/PreCompact/SessionEnd are fire-and-forget for us). */
const CONTEXT_EVENTS = new Set(["session-start", "prompt", "pre-tool", "post-tool"]);

/** The exact stdout for `context` under this event, or "" when nothing should be printed. */
export function renderOutput(input: Pick<HookInput, "event" | "agentEvent">, context: string | null): string {
  if (!context || !CONTEXT_EVENTS.has(input.event)) return "";
  // Stored text is quoted, never markup or hidden text of its own: it cannot close the agent's wrapper.
  const body = { hookSpecificOutput: { hookEventName: input.agentEvent, additionalContext: capContext(quoteForAgent(context, PLACEHOLDERS)) } };
  return `${JSON.stringify(body)}\n`;
}

/** Bun.write rather than process.stdout: Node's stream machinery costs ~15 ms of start-up per hook. */
export async function writeOutput(out: string): Promise<void> {
  if (out !== "") await Bun.write(Bun.stdout, out);
}
