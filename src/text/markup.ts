/**
 * @module Stored text made safe to quote inside an agent's context. Agents wrap what a hook adds in markup of
 * their own (Claude Code: `<system-reminder>…</system-reminder>`), so a memory holding `</system-reminder>` and
 * a made-up "SYSTEM:" line (text an agent read on a web page, a malicious repository's test output captured
 * as an error) could close that wrapper early and speak as the system (QA). Every tag-like `<name` or `</name`
 * has its `<` written as `‹`, which no wrapper parses and a reader still reads; control characters other than
 * line breaks and tabs are dropped. Only the quoted text changes, never what is stored.
 */
import { showHidden } from "./hidden.ts";

/** `<`, invisible format characters it may hide behind (a zero-width space), a slash, a name in any script. */
const TAG = /<([\p{Cf}]*\/?[\p{Cf}]*)([\p{L}!?][\p{L}\p{N}_.:-]*)?(>?)/gu;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `keep`: bare opening tags (`<ip>`) that are the writer's own placeholders, left as they are. */
export function defuseMarkup(text: string, keep: ReadonlySet<string> = new Set()): string {
  // Line and paragraph separators read as line breaks: a one-line note must stay one line (a space, not glued words).
  return text.replace(/[\u0085\u2028\u2029]/g, " ").replace(CONTROL, "").replace(TAG, (all, slash: string, name: string | undefined, close: string) => {
    if (name === undefined || (slash === "" && close === ">" && keep.has(name))) return all;
    // The invisible characters go with it: nothing stands between the `‹` and the name a reader sees.
    return `‹${slash.replace(/\p{Cf}/gu, "")}${name}${close}`;
  });
}

/**
 * Stored text as an agent's context quotes it (the hooks' output, the MCP briefing): markup defused first, then
 * hidden characters shown (text/hidden.ts), so a tag hidden behind one is defused whole.
 */
export function quoteForAgent(text: string, keep?: ReadonlySet<string>): string {
  return showHidden(defuseMarkup(text, keep));
}
