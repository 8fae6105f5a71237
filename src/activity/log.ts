/**
 * @module `<dataDir>/activity.jsonl`: one short line per recall and per hook event — how long it took, and
 * for hooks which memories were injected into the agent's context and which were captured — so `cairn ui`
 * can chart latency and show what an agent was given and what it remembered (and offer to undo it).
 * Lines hold ids, event names and numbers only, never memory text or queries: a purge has nothing to
 * scrub here (the audit log keeps the same ids). Appends never throw and the file is rotated like hooks.log.
 */
import { join } from "node:path";
import { appendRotated } from "../log-file.ts";

/** Past this size the file is rotated to activity.jsonl.1 (one generation kept): at most ~512 KiB on disk. */
const MAX_BYTES = 256 * 1024;

export type ActivityEntry =
  | { kind: "recall"; at: number; via: string; ms: number; mode: string; results: number }
  | { kind: "hook"; at: number; event: string; ms: number; path: "warm" | "cold"; injected: string[]; captured: string[] };

export function activityFile(dataDir: string): string {
  return join(dataDir, "activity.jsonl");
}

/** Appends one entry; never throws (a full or read-only disk must not fail a recall or a hook). */
export function appendActivity(dataDir: string, entry: ActivityEntry): void {
  try {
    const { existsSync } = require("node:fs") as typeof import("node:fs");
    if (!existsSync(dataDir)) return;
    appendRotated(activityFile(dataDir), `${JSON.stringify(entry)}\n`, MAX_BYTES);
  } catch {
    // nowhere to record it: the work itself matters more
  }
}

/** Entries from the rotated and current files, oldest first; damaged lines are skipped. */
export function readActivity(dataDir: string): ActivityEntry[] {
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const file = activityFile(dataDir);
  const out: ActivityEntry[] = [];
  for (const path of [`${file}.1`, file]) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as ActivityEntry;
        if ((e.kind === "recall" || e.kind === "hook") && typeof e.at === "number" && typeof e.ms === "number") out.push(e);
      } catch {
        // a line cut by a crash
      }
    }
  }
  return out;
}
