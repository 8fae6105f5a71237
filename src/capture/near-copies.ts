/**
 * @module Groups of memories that say the same thing: every pair {@link compareStatements} calls a duplicate
 * (nearly the same words, no changed value, no flipped negation, no change cue) joins one group. Candidate
 * pairs come from prefix filtering: with words ordered rarest first, two word sets whose Jaccard similarity
 * reaches {@link SAME_STATEMENT} must share one of each set's first |A| − ⌈t·|A|⌉ + 1 words, so only memories
 * sharing such a word are compared — exact for the threshold, and far from quadratic on a real store.
 */
import { compareStatements, SAME_STATEMENT, statementWords } from "./compare.ts";

export interface TextItem {
  id: string;
  content: string;
}

/** Groups (two or more ids each, in input order) of items that pairwise chain as duplicates. */
export function nearCopyGroups(items: readonly TextItem[]): string[][] {
  const sets = items.map((it) => [...statementWords(it.content)]);
  const df = new Map<string, number>();
  for (const ws of sets) for (const w of ws) df.set(w, (df.get(w) ?? 0) + 1);
  const byPrefix = new Map<string, number[]>();
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const wordSets = sets.map((ws) => new Set(ws));
  sets.forEach((ws, i) => {
    if (ws.length === 0) return;
    ws.sort((a, b) => df.get(a)! - df.get(b)! || (a < b ? -1 : 1));
    const prefix = ws.length - Math.ceil(SAME_STATEMENT * ws.length) + 1;
    const compared = new Set<number>();
    for (const w of ws.slice(0, prefix)) {
      for (const j of byPrefix.get(w) ?? []) {
        if (compared.has(j) || find(i) === find(j)) continue;
        compared.add(j);
        // compareStatements calls a pair a duplicate only from this overlap of these very word sets: most candidates
        // fail it, and the full comparison (every change rule) made a 100k-memory fold take minutes (QA).
        if (!overlapReaches(wordSets[i]!, wordSets[j]!)) continue;
        if (compareStatements(items[j]!.content, items[i]!.content).relation === "duplicate") parent[find(i)] = find(j);
      }
      (byPrefix.get(w) ?? byPrefix.set(w, []).get(w)!).push(i);
    }
  });
  const groups = new Map<number, string[]>();
  items.forEach((it, i) => (groups.get(find(i)) ?? groups.set(find(i), []).get(find(i))!).push(it.id));
  return [...groups.values()].filter((g) => g.length > 1);
}

/** Whether two word sets' Jaccard similarity reaches {@link SAME_STATEMENT} (sizes first: the smaller must be that share of the larger). */
function overlapReaches(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size < SAME_STATEMENT * large.size) return false;
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  return shared / (a.size + b.size - shared) >= SAME_STATEMENT;
}
