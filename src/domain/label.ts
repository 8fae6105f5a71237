/**
 * @module A name written into records and shown on one line (an audit entry's actor: `cli:$USER`, an MCP
 * client's name and version, a hook's session id): control characters, line breaks, escape sequences and
 * bidirectional overrides taken out, and a cap on its length. Raw, a client name holding a newline printed
 * convincing fake rows in `cairn audit log`, and one holding ESC[8m hid text on the screen (QA).
 */
import { cutText } from "../text/cut.ts";

/** C0/C1 controls (line breaks, ESC, DEL included), and the bidi embeddings, overrides and isolates. */
const UNSAFE = /[\p{Cc}\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/gu;
/** Longer than any real user, client or session name. */
const MAX_LABEL = 200;

export function safeLabel(text: string): string {
  const clean = text.replace(UNSAFE, "?");
  return clean.length > MAX_LABEL ? `${cutText(clean, MAX_LABEL - 1)}…` : clean;
}
