/**
 * @module The text and fields of a consolidated memory, extractive (no model): the representative member's
 * text, then whatever another member says that the text so far does not (its uncovered sentences, none a
 * near-copy of one the text holds), so nothing a source said is lost; tags merged, the earliest and latest dates, the highest priority, the
 * uses added up, the longest lifetime.
 */
import { compareStatements, SAME_STATEMENT, statementWords } from "../capture/compare.ts";
import { porterStem } from "../text/porter.ts";
import { sentences } from "../capture/sentences.ts";
import type { Memory } from "../domain/memory.ts";

/**
 * A sentence bringing at most this many words not said yet (by stem: "running" says what "run" does) adds
 * nothing. None: one new word is often the point ("npm install failed" / "npm ci failed", "Fix:
 * --legacy-peer-deps" after "Fix: pin eslint 8"); with one allowed, such lines were lost (QA).
 */
const NEW_WORDS = 0;
/** Content limit guard: a consolidated text stops growing here; a group whose text would lose sentences is not folded. */
const MAX_CHARS = 16_000;

export interface MergedFields {
  content: string;
  /** Sentences of members the text had no room for (it stops at {@link MAX_CHARS}): the group is then not folded. */
  left: number;
  tags: string[];
  first: number;
  last: number;
  priority: number;
  accessCount: number;
  expiresAt: number | null;
}

/** The member the others are folded into: the most used, then the newest. */
export function representative(members: readonly Memory[]): Memory {
  return [...members].sort((a, b) => b.accessCount - a.accessCount || b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1))[0]!;
}

export function mergeMembers(members: readonly Memory[]): MergedFields {
  const rep = representative(members);
  const parts = [rep.content.trim()];
  let length = parts[0]!.length;
  const said = stemsOf(rep.content);
  const held = sentences(rep.content);
  let left = 0;
  for (const m of members) {
    if (m === rep) continue;
    for (const s of newSentences(m.content, said)) {
      // The same statement in nearly the same words ("each Friday" / "every Friday") says nothing new: the text
      // held both, the copy consolidation is there to remove (QA).
      if (held.some((h) => nearCopy(h, s))) continue;
      if (length + 1 + s.length > MAX_CHARS) {
        left++;
        continue;
      }
      parts.push(s);
      held.push(s);
      length += 1 + s.length;
      for (const w of stemsOf(s)) said.add(w);
    }
  }
  const time = (m: Memory) => m.eventTime ?? m.createdAt;
  return {
    content: parts.join(parts.length > 1 ? "\n" : ""),
    left,
    tags: [...new Set(members.flatMap((m) => m.tags))],
    first: Math.min(...members.map(time)),
    last: Math.max(...members.map(time)),
    priority: Math.max(...members.map((m) => m.priority)),
    accessCount: members.reduce((n, m) => n + m.accessCount, 0),
    expiresAt: members.some((m) => m.expiresAt === null) ? null : Math.max(...members.map((m) => m.expiresAt!)),
  };
}

/** Whether two sentences are near-copies as consolidation groups them (compare.ts; its word overlap first, which most pairs fail). */
function nearCopy(a: string, b: string): boolean {
  const [x, y] = [statementWords(a), statementWords(b)];
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / (x.size + y.size - shared) >= SAME_STATEMENT && compareStatements(a, b).relation === "duplicate";
}

/** A text's distinctive words, plain words by their stem. */
const stemsOf = (text: string): Set<string> => new Set([...statementWords(text)].map((w) => (/^\p{L}+$/u.test(w) ? porterStem(w) : w)));

/** What `text` says beyond `said`: its uncovered sentences (code blocks whole, when any word is new). */
function newSentences(text: string, said: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const covered = (t: string) => {
    let fresh = 0;
    for (const w of stemsOf(t)) if (!said.has(w)) fresh++;
    return fresh <= NEW_WORDS;
  };
  for (const block of text.match(/```[\s\S]*?(?:```|$)/g) ?? []) if (!covered(block)) out.push(block.trim());
  for (const s of sentences(text)) if (!covered(s)) out.push(s.trim());
  return out;
}
