/**
 * @module The reordering current-first.ts and later-first.ts share: a later memory that replaces an earlier
 * result goes just ahead of it. Only the order changes. Each memory moves at most once, so this ends; after
 * a move the same place is looked at again, since the memory now there may itself have been replaced later
 * (jest → vitest → bun test).
 */
import type { FusedHit } from "./fusion.ts";

export interface MoveAhead {
  /** Places looked at for an earlier result: the first `depth`. */
  depth: number;
  /** How far below an earlier result a later one is looked for. */
  below: number;
  /** Places a later one may come from (default: all). */
  within?: number;
}

/** `hits` reordered, and for each memory moved: the earlier one it now stands just before. */
export function moveAhead(hits: readonly FusedHit[], span: MoveAhead, replaces: (older: FusedHit, newer: FusedHit) => boolean): { hits: FusedHit[]; moved: Map<string, string> } {
  const out = [...hits];
  const moved = new Map<string, string>();
  const last = Math.min(span.within ?? out.length, out.length);
  for (let i = 0; i < Math.min(span.depth, out.length); i++) {
    const older = out[i]!;
    for (let j = i + 1; j < Math.min(last, i + 1 + span.below); j++) {
      const newer = out[j]!;
      if (moved.has(newer.memory.id) || !replaces(older, newer)) continue;
      out.splice(j, 1);
      out.splice(i, 0, newer);
      moved.set(newer.memory.id, older.memory.id);
      i--;
      break;
    }
  }
  return { hits: out, moved };
}
