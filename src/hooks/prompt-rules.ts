/**
 * @module The rules a prompt is about to run into, which share too few of its words for the relevance bar: "npm
 * install fails with ERESOLVE, fix it" against "always use pnpm, never npm install", "should we switch to
 * Jest?" against "we chose Vitest over Jest". Two kinds: a command the prompt names (in backticks, or a package
 * manager's install) gets the decisions and preferences that govern it, as before a shell command runs
 * (governing.ts); and a decision or preference among the prompt's keyword candidates that rules out a tool the
 * prompt names ("never X", "moved off X", "Y over X") is shown beside the prompt.
 */
import type { Memory } from "../domain/memory.ts";
import type { HookContext } from "./context.ts";
import { governingRules, INSTALLERS } from "./governing.ts";
import { STOPWORDS } from "../retrieve/stopwords.ts";

/** Rules shown for one prompt, at most. */
const LIMIT = 2;
const RULE_TYPES = new Set(["decision", "preference"]);
/** Commands of one prompt looked up, at most. */
const MAX_COMMANDS = 3;

/** Commands a prompt names: code spans in backticks that start with a word, and "<package manager> <install>" in prose. */
export function commandsIn(prompt: string): string[] {
  const out = new Set<string>();
  for (const m of prompt.matchAll(/`([^`\n]{2,200})`/g)) if (/^[\w./-]+(\s|$)/.test(m[1]!.trim())) out.add(m[1]!.trim());
  const words = prompt.split(/\s+/).map((w) => w.replace(/^[`'"(]+|[`'",.;:!?)]+$/g, ""));
  for (let i = 0; i + 1 < words.length; i++) {
    const sub = INSTALLERS.get(words[i]!.toLowerCase());
    // The words after it in prose are not its packages ("npm install fails with ERESOLVE").
    if (sub?.has(words[i + 1]!.toLowerCase())) out.add(words.slice(i, i + 2).join(" "));
  }
  return [...out];
}

/** Decisions and preferences the prompt runs into (see the module note); none already shown this session. */
export async function promptRules(ctx: HookContext, prompt: string, candidates: readonly Memory[]): Promise<Memory[]> {
  const out: Memory[] = [];
  const add = (m: Memory) => {
    if (out.length < LIMIT && !out.some((o) => o.id === m.id)) out.push(m);
  };
  // Each command costs a keyword search: a prompt pasting many code spans is answered on its first few.
  for (const command of commandsIn(prompt).slice(0, MAX_COMMANDS)) for (const m of await governingRules(ctx, command, LIMIT)) add(m);
  // The prompt's words as written (`log4j`, `react-query`): what a rule names when it rules a tool out.
  const named = [...new Set(prompt.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}._-]*[\p{L}\p{N}]/gu) ?? [])].filter((w) => w.length >= 3 && !STOPWORDS.has(w));
  for (const m of candidates) if (RULE_TYPES.has(m.type) && m.status === "active" && named.some((w) => rulesOut(m.content, w))) add(m);
  return out;
}

/**
 * Whether a rule rules the tool `name` out: "never use X", "X was removed", "Y instead of X", "Y over X", "moved
 * off X", "switched (unit tests) from X". Stricter than governing.ts `retires`, whose "from X" is safe only for a program a
 * command runs (prose says "reads from kafka" of tools in use). The rule must write X as a name — capitalised,
 * in backticks, or with a dot, dash, underscore or digit (`Jest`, `react-query`, `log4j`) — not as a word: "never
 * commit secrets" does not rule out commits.
 */
export function rulesOut(content: string, name: string): boolean {
  // Most candidates never name the word: no patterns are built for them.
  if (!content.toLowerCase().includes(name)) return false;
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const x = `(\`?)(${n})\\b`;
  const patterns = [
    new RegExp(`\\b(?:never|don'?t|do not|no longer|stop|avoid)\\s+(?:use\\s+|using\\s+|run\\s+|add\\s+|install\\s+)?${x}`, "gi"),
    new RegExp(`\\b(?:instead of|rather than|over)\\s+${x}`, "gi"),
    // "Switched unit tests from Jest to Vitest": a few words may name what moved.
    new RegExp(`\\b(?:switched|moved|migrated|went)\\s+(?:[\\p{L}\\p{N}'-]+\\s+){0,3}?(?:away\\s+)?(?:from|off)\\s+${x}`, "giu"),
    new RegExp(`\\b(?:dropped|removed|banned|replaced|deprecated)\\s+${x}`, "gi"),
    new RegExp(`\\b()(${n})\`?(?:\\s+(?:and|or)\\s+[\\w-]+)?\\s+(?:is|are|was|were|has been|have been)\\s+(?:now\\s+)?(?:removed|banned|deprecated|replaced|gone|dropped)\\b`, "gi"),
  ];
  return patterns.some((r) => [...content.matchAll(r)].some((m) => m[1] === "`" || /^\p{Lu}|[._\-\d]/u.test(m[2]!)));
}
