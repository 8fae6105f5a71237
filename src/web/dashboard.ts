/**
 * @module The dashboard's numbers: memories created per day by type, the store's size, recall and hook
 * latency (from the activity log, activity/log.ts), and the latest hook events that injected or captured
 * memories, each resolved to the memory as it is now (or "erased"), so a person can open and undo it.
 */
import { type ActivityEntry, readActivity } from "../activity/log.ts";
import { projectName } from "../domain/project.ts";
import { toIso } from "../domain/time.ts";
import type { ApiContext } from "./api.ts";
import { cutText } from "../text/cut.ts";

/** Enough points for a readable scatter; older ones are summarised by the percentiles only. */
const MAX_POINTS = 400;
const RECENT_HOOKS = 25;

export function dashboard({ engine, dbFile, dataDir }: ApiContext) {
  const s = engine.stats();
  const activity = readActivity(dataDir);
  const recalls = activity.filter((e): e is Extract<ActivityEntry, { kind: "recall" }> => e.kind === "recall");
  const hooks = activity.filter((e): e is Extract<ActivityEntry, { kind: "hook" }> => e.kind === "hook");
  const describe = (id: string) => {
    const m = engine.store.get(id);
    return m ? { id, type: m.type, status: m.status, content: cutText(m.content, 160) } : { id, type: null, status: "erased", content: null };
  };
  return {
    stats: {
      total: s.total,
      by_status: s.byStatus,
      // Active but past their lifetime: recall no longer returns them (`cairn stats` counts them apart; QA).
      expired: s.expired,
      by_type: s.byType,
      by_project: s.byProject.map((p) => ({ ...p, name: p.project === null ? null : projectName(p.project) })),
      vectors: s.vectors,
      edges: s.edges,
      audit_entries: s.auditEntries,
      db_bytes: s.dbBytes,
      db_path: dbFile,
    },
    created_by_day: engine.createdByDay().map((d) => ({ day: toIso(d.day)!.slice(0, 10), type: d.type, count: d.count })),
    latency: {
      recall: summary(recalls),
      hook: summary(hooks),
      recall_points: recalls.slice(-MAX_POINTS).map((e) => ({ at: toIso(e.at), ms: e.ms, via: e.via })),
      hook_points: hooks.slice(-MAX_POINTS).map((e) => ({ at: toIso(e.at), ms: e.ms, event: e.event, path: e.path })),
    },
    recent_hooks: hooks
      .filter((e) => e.injected.length + e.captured.length > 0)
      .slice(-RECENT_HOOKS)
      .reverse()
      .map((e) => ({ at: toIso(e.at), event: e.event, injected: e.injected.map(describe), captured: e.captured.map(describe) })),
  };
}

function summary(entries: readonly ActivityEntry[]): { count: number; p50: number | null; p95: number | null; max: number | null } {
  const ms = entries.map((e) => e.ms).sort((a, b) => a - b);
  return { count: ms.length, p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), max: ms.at(-1) ?? null };
}

/**
 * The `q` quantile of `sorted` (ascending), interpolated between the two nearest values: the median of four calls
 * is the mean of the middle two (the upper one was shown: 106.6 ms for 4.6, 9, 106.6 and 154.7). Null when empty.
 */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
