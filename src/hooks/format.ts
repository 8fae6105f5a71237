/** @module How memories read inside injected context: one line each, dated, typed, plain statements. */
import type { Memory } from "../domain/memory.ts";
import { estimateTokens } from "../retrieve/budget.ts";
import { cutText } from "../text/cut.ts";

/** The day a memory is about (event time when known), as YYYY-MM-DD: dates let the agent weigh staleness. */
export function day(m: Pick<Memory, "eventTime" | "createdAt">): string {
  return new Date(m.eventTime ?? m.createdAt).toISOString().slice(0, 10);
}

/** Content folded to one line and cut at `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, " ").trim();
  return flat.length > max ? `${cutText(flat, max - 1).trimEnd()}…` : flat;
}

export function bullet(m: Memory, max = 300, withType = false): string {
  return `- ${oneLine(m.content, max)} (${withType ? `${m.type}, ` : ""}${day(m)})`;
}

/**
 * Adds lines while they fit in `budget` tokens; returns the lines kept. A section heading is only kept
 * together with at least one of its items.
 */
export class TokenBudget {
  #left: number;
  readonly lines: string[] = [];

  constructor(budget: number) {
    this.#left = budget;
  }

  /** Adds a section; returns how many items fit and tells `onAdded` the index of each one that did. */
  section(heading: string, items: readonly string[], onAdded?: (index: number) => void): number {
    let added = 0;
    for (const [index, item] of items.entries()) {
      const cost = estimateTokens(item) + (added === 0 ? estimateTokens(heading) : 0);
      if (cost > this.#left) continue;
      if (added === 0) this.lines.push(heading);
      this.lines.push(item);
      this.#left -= cost;
      added++;
      onAdded?.(index);
    }
    return added;
  }

  add(line: string): boolean {
    const cost = estimateTokens(line);
    if (cost > this.#left) return false;
    this.lines.push(line);
    this.#left -= cost;
    return true;
  }
}
