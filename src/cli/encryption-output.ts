/** @module Flags and output shared by `cairn encrypt`, `decrypt`, `key rotate` and `init --encrypt`. */
import type { RecodeProgress, RecodeReport } from "../store/recode.ts";
import { pendingWalText } from "./format.ts";
import { output, progress } from "./output.ts";

export const keyFlags = {
  passphrase: { type: "boolean", description: "derive the key from a passphrase (CAIRN_PASSPHRASE, or typed twice) with scrypt" },
  keychain: { type: "boolean", description: "keep the new key in the OS keychain (macOS security, Linux secret-tool) instead of a key file" },
} as const;

export function recodeProgress(json: boolean | undefined): RecodeProgress | undefined {
  if (json) return undefined;
  return (what, done, total) => progress(`re-encoding ${what}: ${done}/${total}`);
}

export function reportRecode(json: boolean | undefined, done: string, dbFile: string, r: RecodeReport, extra: Record<string, unknown>): void {
  if (json) {
    output.json({ ok: true, [done]: true, db: dbFile, memories: r.memories, audit_entries: r.auditEntries, wal_emptied: r.scrub.complete, rewrite_failed: r.rewriteFailed, ...extra });
    return;
  }
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  const lines = [`${done[0]!.toUpperCase()}${done.slice(1)} ${n(r.memories, "memory", "memories")} and ${n(r.auditEntries, "audit entry", "audit entries")} in ${dbFile}.`];
  for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined) lines.push(`  ${k.replace(/_/g, " ")}: ${String(v)}`);
  if (r.rewriteFailed) lines.push(`Note: done, but compacting the file afterwards failed (${r.rewriteFailed}): the pages the old encoding freed are zeroed, nothing of it is readable there; free some disk space.`);
  if (!r.scrub.complete) lines.push(`Note: ${pendingWalText(r.scrub.holders)}.`);
  output.text(lines.join("\n"));
}
