/** @module Human-readable rendering of memories for the terminal. */
import { safeLabel } from "../domain/label.ts";
import type { Memory } from "../domain/memory.ts";
import { projectName } from "../domain/project.ts";
import { toIso } from "../domain/time.ts";
import { cutText } from "../text/cut.ts";

export function projectLabel(project: string | null): string {
  if (project === null) return "global";
  return projectName(project);
}

/**
 * Labels for projects shown side by side: the short name, or the full key where two share a short name
 * (QA: `stats` listed "payments 347, payments 1" for two remotes, and a project literally called "global"
 * beside the global scope).
 */
export function distinctLabels(projects: ReadonlyArray<string | null>): Map<string | null, string> {
  const uses = new Map<string, number>();
  for (const p of projects) uses.set(projectLabel(p), (uses.get(projectLabel(p)) ?? 0) + 1);
  return new Map(projects.map((p) => [p, p !== null && (uses.get(projectLabel(p)) ?? 0) > 1 ? p : projectLabel(p)]));
}

/**
 * The reason an audit entry's details give (a forget's, a hold's, a supersede's), on one line and cut to `max`
 * characters; null when it gives none. QA: a forget's reason was in `--json` only.
 */
export function entryReason(detail: Record<string, unknown>, max: number): string | null {
  if (typeof detail.reason !== "string" || detail.reason === "") return null;
  const line = safeLabel(detail.reason.replace(/\s+/g, " "));
  return `"${line.length > max ? `${cutText(line, max - 1)}…` : line}"`;
}

export function formatDate(ms: number | null): string {
  // A time no Date holds (stored unchecked by an earlier cairn) shows as none, as toIso gives it. The zone is said:
  // a time typed without one is read as local, and shown as UTC it looked hours off (QA).
  const iso = toIso(ms);
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "-";
}

/**
 * When a memory's event time is not its creation (imported history, `--event-time`, a reminder's due time), the
 * header says so beside the creation time that `list` sorts by (QA: `list` printed event times in an order of
 * creation times, as if unsorted).
 */
function eventNote(m: Memory): string[] {
  if (m.eventTime === null || formatDate(m.eventTime) === formatDate(m.createdAt)) return [];
  return [`${m.type === "reminder" ? "due" : "happened"} ${formatDate(m.eventTime)}`];
}

/** Two-part block: a header line with the (short) id and fields, then the content indented. */
export function formatMemory(m: Memory, extra: string[] = [], id: string = m.id): string {
  const fields = [
    m.type,
    projectLabel(m.project),
    formatDate(m.createdAt),
    ...eventNote(m),
    ...(m.tags.length > 0 ? [m.tags.map((t) => `#${t}`).join(" ")] : []),
    ...(m.status !== "active" ? [m.status] : []),
    ...extra,
  ];
  const body = m.content
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
  return `${id}  ${fields.join("  ")}\n${body}`;
}

const SETTLED_AS = { conflict: "noted on write, confirmed", not_conflict: "noted on write, dismissed: not a conflict" } as const;

/** A link seen from `from`'s side: "supersedes →" going out, "← fixes" coming in; a conflict noted on write says how it stands. */
export function linkArrow(e: { from: string; relation: string; possible?: true; settled?: keyof typeof SETTLED_AS; undone?: true }, from: string): string {
  const note = e.possible ? "possibly: noted on write, not settled" : e.settled ? SETTLED_AS[e.settled] : e.undone ? "undone: it retires nothing now" : null;
  const relation = note ? `${e.relation} (${note})` : e.relation;
  return e.from === from ? `${relation} →` : `← ${relation}`;
}

/** One memory on a line: short id, type, status when not active, and the start of its content. */
export const memoryLine = (m: Memory, short: string) =>
  `${short}  ${m.type}${m.status === "active" ? "" : ` (${m.status})`}  ${cutText(m.content.replace(/\s+/g, " "), 80)}`;

/** Full detail for `cairn get`. */
export function formatDetail(m: Memory, short: string = m.id): string {
  const rows: Array<[string, string]> = [
    ["id", short === m.id ? m.id : `${short}  (${m.id})`],
    ["type", m.type],
    ["status", m.status + (m.supersededBy ? ` (by ${m.supersededBy})` : "")],
    ["project", m.project ?? "global"],
    ["tags", m.tags.join(", ") || "-"],
    ["priority", String(m.priority)],
    ["created", formatDate(m.createdAt)],
    ["updated", formatDate(m.updatedAt)],
    ["event time", formatDate(m.eventTime)],
    ["expires", formatDate(m.expiresAt)],
    ["accessed", `${m.accessCount}× (last ${formatDate(m.lastAccessedAt)})`],
    ...(m.source || m.agent || m.sessionId
      ? ([["origin", [m.agent, m.source, m.sessionId].filter(Boolean).join(" / ")]] as Array<[string, string]>)
      : []),
    ...(Object.keys(m.metadata).length > 0 ? ([["metadata", JSON.stringify(m.metadata)]] as Array<[string, string]>) : []),
  ];
  return `${rows.map(([k, v]) => `${k.padEnd(10)}  ${v}`).join("\n")}\n\n${m.content}`;
}

/** What a purge left in the WAL, and when it goes (shared by `forget --hard` and `doctor`). */
export function pendingWalText(holders: number | null): string {
  const who =
    holders === null ? "the other processes reading the database close it or end their read"
    : holders === 1 ? "1 other process reading the database closes it or ends its read"
    : `${holders} other processes reading the database close it or end their read`;
  return `old copies remain on disk (in the database file or its WAL) until ${who}; the next cairn write, an idle MCP server or \`cairn doctor\` then erases them`;
}
