/** @module Human rendering of `cairn sync status`. */
import type { SyncStatus } from "../sync/status.ts";
import { formatDate } from "./format.ts";

export function renderStatus(s: SyncStatus): string {
  const shared = [...s.shared.projects, ...(s.shared.global ? ["(global scope)"] : [])];
  const lines = [
    `team ${s.team} on ${s.server}; this device ${s.device}`,
    `shared: ${shared.length > 0 ? shared.join(", ") : "nothing yet (cairn sync share --project <p>)"}`,
    `last sync: ${s.last ? `${formatDate(s.last.at)} ${s.last.ok ? `ok (${s.last.pushed ?? 0} sent, ${s.last.pulled ?? 0} received)` : `failed: ${s.last.error}`}` : "never"}`,
    `pending: ${s.pending} local change(s) waiting to be sent`,
  ];
  if (!s.reachable) {
    lines.push(`server: ${s.refused ? "REFUSED" : "UNREACHABLE"} (${s.error}); local work continues and changes stay queued`);
    return lines.join("\n");
  }
  if (s.retired) {
    lines.push("server: reachable; this team was moved to a new key on another device (`cairn sync rotate`): ask a teammate for the new code and run `cairn sync join <code> --server <url>` (this device's memories are kept)");
    return lines.join("\n");
  }
  lines.push(`server: reachable; ${s.behind} record(s) to receive`);
  const devices = s.devices ?? [];
  lines.push(`devices seen: ${devices.length}`);
  for (const d of devices) lines.push(`  ${d.device}${d.device === s.device ? " (this device)" : ""}  last wrote ${formatDate(d.lastAt)}, ${d.records} record(s)`);
  return lines.join("\n");
}
