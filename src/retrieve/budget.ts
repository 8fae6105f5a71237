/** @module Token budgets: estimating the size of text in model tokens and trimming results to fit. */
import { cutText } from "../text/cut.ts";

// CJK characters are roughly one token each; other text averages about four characters per token.
const WIDE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

/** A fast, tokenizer-free estimate of how many tokens `text` costs in an LLM prompt. */
export function estimateTokens(text: string): number {
  const wide = text.match(WIDE)?.length ?? 0;
  return wide + Math.ceil((text.length - wide) / 4);
}

/** Fixed cost per result for the id, type, date and score that accompany the content. */
export const PER_RESULT_OVERHEAD = 12;

/**
 * Keeps results, best first, while they fit in `budget` tokens; a long one that does not fit is skipped
 * so shorter ones after it can still use the room. The first result always stays, cut to the budget if
 * it alone is too long, so a tight budget still returns the best memory.
 */
export function applyBudget<T extends { content: string }>(
  items: readonly T[],
  budget: number,
): Array<T & { truncated: boolean }> {
  const out: Array<T & { truncated: boolean }> = [];
  let used = 0;
  for (const item of items) {
    const cost = estimateTokens(item.content) + PER_RESULT_OVERHEAD;
    if (used + cost <= budget) {
      out.push({ ...item, truncated: false });
      used += cost;
      continue;
    }
    if (out.length === 0) {
      // A budget near the overhead still buys the content half of it (QA: `--budget 10` gave "…" alone), and all
      // of it when the content alone fits.
      const room = Math.max(budget - PER_RESULT_OVERHEAD, Math.ceil(budget / 2));
      const fits = estimateTokens(item.content) <= budget;
      out.push(fits ? { ...item, truncated: false } : { ...item, content: `${cutText(item.content, room * 4)}…`, truncated: true });
      used = budget;
    }
  }
  return out;
}
