/**
 * @module Notes that quote the command about to run. A lesson, rule or fact that writes out `prisma db push`,
 * `fly deploy -c infra/fly/prod.toml` or `pnpm -F web test:e2e` is about running exactly that, whatever its
 * other words. What counts is a run of the command's own words, in order, that reaches past its program and
 * first argument: `pnpm -F web` starts most commands of a pnpm workspace and says nothing about `pnpm -F web
 * dev`, and a program's name alone is in half of a project's notes (the head rule of pre-tool.ts covers it).
 */
import type { Memory } from "../domain/memory.ts";
import { programOn } from "./command.ts";
import type { HookContext } from "./context.ts";
import { commandWords } from "./governing.ts";

/** Searched before the quote test: memories sharing the command's words, best first. */
const CANDIDATES = 20;

/** A token as commands and notes both write it: lower case, without quotes, backticks or sentence punctuation. */
function clean(token: string): string {
  return token.toLowerCase().replace(/^[`'"([{<]+|[`'")\]}>,.;:!?]+$/g, "");
}

/** The command's words in order (wrappers and VAR=value dropped), and where its lead ends. */
export function commandTokens(command: string): { tokens: string[]; leadEnd: number } {
  const tokens = programOn(command).map(clean).filter((t) => t !== "");
  // The lead: the program and its first argument that is not a flag (`pnpm -F web`, `git commit`).
  const firstArg = tokens.findIndex((t, i) => i > 0 && !t.startsWith("-"));
  return { tokens, leadEnd: firstArg < 0 ? tokens.length : firstArg + 1 };
}

/**
 * Whether `content` holds a run of at least two of the command's tokens, consecutive in both, that includes a
 * word (not a flag) after the command's lead.
 */
export function quotesCommand(content: string, command: { tokens: readonly string[]; leadEnd: number }): boolean {
  const { tokens, leadEnd } = command;
  if (tokens.length <= leadEnd) return false;
  const text = content.split(/[\s`]+/).map(clean).filter((t) => t !== "");
  for (let i = 0; i < text.length; i++) {
    for (let j = 0; j < tokens.length; j++) {
      if (text[i] !== tokens[j]) continue;
      let n = 0;
      let beyond = false;
      while (i + n < text.length && j + n < tokens.length && text[i + n] === tokens[j + n]) {
        if (j + n >= leadEnd && !tokens[j + n]!.startsWith("-")) beyond = true;
        n++;
      }
      if (n >= 2 && beyond) return true;
    }
  }
  return false;
}

/**
 * Facts that quote a command are mostly how-tos ("Local dev: `docker compose up -d db redis mailpit`"), which
 * the agent about to run it does not need: on the blind sets 9 of 46 were wanted, against 9 of 21 for the others.
 */
const QUOTING_TYPES = ["decision", "preference", "lesson", "error"];

/** Active memories of the scope that quote `command` past its lead, best keyword match first. */
export async function quotingCommand(ctx: HookContext, command: string): Promise<Memory[]> {
  const parsed = commandTokens(command);
  const { words } = commandWords(command, ctx.project);
  if (words.length === 0 || parsed.tokens.length <= parsed.leadEnd) return [];
  const { results } = await ctx.engine().recall({ query: words.join(" "), mode: "keyword", types: QUOTING_TYPES, limit: CANDIDATES, track: false, abstain: false });
  return results.map((r) => r.memory).filter((m) => m.status === "active" && quotesCommand(m.content, parsed));
}
