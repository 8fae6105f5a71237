/**
 * @module Import of JSONL, one memory per line in the MemoryJson shape `cairn export` writes. Lines are
 * read and checked (import-parse.ts; on a second thread for long files, import-thread.ts) and written one at a
 * time inside one transaction, so memory stays flat whatever the size and a bad line or a crash never leaves
 * half an import behind (the transaction rolls back). Loaded only when importing (the Engine imports it
 * dynamically), so its schema library stays off the start-up path of recalls and hooks.
 */
import { conflictState, linkAmong, POSSIBLE_CHANGE, SETTLED, UNDONE } from "../domain/edge.ts";
import type { Memory } from "../domain/memory.ts";
import { projectName } from "../domain/project.ts";
import { auditedHash } from "../store/audit.ts";
import type { ContentCodec } from "../store/content-codec.ts";
import type { EngineContext } from "./context.ts";
import { badImportLine, type PendingLink, type RawLine } from "./import-parse.ts";
import { parsedLines } from "./import-thread.ts";
import { settle } from "./relate.ts";
import { storeOrReinforce } from "./remember.ts";

/** Links of a superseded_by chain followed to see whether it comes back to its start. */
const MAX_CHAIN = 64;

export interface ImportReport {
  lines: number;
  created: number;
  duplicates: number;
  /** Links restored (both ends present after the import), those already there included. */
  links: number;
  /** Of `links`, those the store already had (a re-import): nothing was written for them. */
  linksExisting: number;
  /** Links whose target is neither in the file nor in the store: not made. */
  unlinked: number;
  /** Superseded memories whose `superseded_by` is neither in the file nor in the store (a filtered export): kept superseded. */
  orphans: number;
  /** Lines holding a memory erased here (`forget --hard`, a retention purge): left out unless `restoreErased`. */
  erased: number;
}

export interface ImportOptions {
  /**
   * Records of the file with their own ids that say what an earlier record of the same file says: kept apart
   * (default: the file is an export of a store that held both, such as two reminders of one text due at
   * different times) or merged into the first (another tool's records, where copies are noise).
   */
  sameText?: "keep" | "merge";
  /**
   * A record whose id is stored already with other content: refused, naming its line (default: the file's text
   * would be lost, since the store keeps its own), or left as stored (a peer source read again, whose plan
   * reports such records as already imported: the source's id maps to the memory made from it the first time).
   */
  storedId?: "refuse" | "keep";
  /**
   * Import lines holding a memory this store erased (its id, or its text, in a purge audit entry). Default: left
   * out and counted, so an old export does not bring back what was erased on purpose (QA).
   */
  restoreErased?: boolean;
}

/** Lines written so far and, when known in advance, how many there are. */
export type Progress = (done: number, total?: number) => void;

/**
 * What an import line's `project` may say besides a key, and the key it stands for: a path an export from
 * before projects were keyed by git remote names them by (an alias now), and the name `stats` shows when one
 * project has it (a line saying "payments" made a second project literally called that, QA).
 */
function projectNames(ctx: EngineContext): Map<string, string> {
  const keys = [...new Set([ctx.project, ...ctx.store.projectKeys()])];
  const byName = new Map<string, string[]>();
  for (const key of keys) byName.set(projectName(key), [...(byName.get(projectName(key)) ?? []), key]);
  const names = new Map<string, string>();
  for (const [name, owners] of byName) if (owners.length === 1 && !keys.includes(name)) names.set(name, owners[0]!);
  for (const a of ctx.store.projectAliases()) names.set(a.alias, a.project);
  return names;
}

/**
 * Reads, validates and writes line by line inside one transaction: memory stays bounded by a line (plus the
 * links, kept until every memory is in), and a bad line anywhere rolls everything back, so nothing is
 * written. `source` is the whole text or the lines of a file read as the import goes (cli/jsonl-lines.ts).
 */
export function importJsonl(ctx: EngineContext, source: string | Iterable<RawLine>, onProgress?: Progress, opts: ImportOptions = {}): ImportReport {
  const keepCopies = opts.sameText !== "merge";
  const refuseOther = opts.storedId !== "keep";
  const now = ctx.now();
  const links: PendingLink[] = [];
  const aliases = projectNames(ctx);
  const lines = typeof source === "string" ? source.split("\n") : source;
  const total = typeof source === "string" ? (lines as string[]).filter((l) => l.trim() !== "").length : undefined;
  const report: ImportReport = { lines: 0, created: 0, duplicates: 0, links: 0, linksExisting: 0, unlinked: 0, orphans: 0, erased: 0 };
  const erased = opts.restoreErased ? null : erasedHere(ctx);
  // Successors named by superseded lines, checked once every line is in (a successor may come later in the file).
  const successors: Array<{ from: string; to: string; line: number }> = [];
  const { store } = ctx;
  store.transaction(() => {
    // A line that repeats a stored memory is reinforced there: its links start from that memory instead.
    // Only those are remembered, so the map stays as small as the duplicates.
    const storedAs = new Map<string, string>();
    let lineNo = 0;
    for (const parsed of parsedLines(lines, { project: ctx.project, now, aliases })) {
      lineNo++;
      if (!parsed) continue;
      const { memory, hasId, links: lineLinks } = parsed;
      // A fresh id cannot be stored yet; only a line that brings its own is looked up.
      const stored = hasId && store.get(memory.id);
      if (!stored && erased && ((hasId && erased.ids.has(memory.id)) || wasErased(erased.hashes, memory.contentHash, store.location, store.codec))) {
        report.erased++;
        report.lines++;
        continue;
      }
      if (stored && stored.contentHash !== memory.contentHash) {
        if (fromThisImport(ctx, stored.id, now)) throw badImportLine(lineNo, `it repeats the id ${memory.id} of an earlier line with other content`);
        if (refuseOther) {
          throw badImportLine(
            lineNo,
            `a memory with the id ${memory.id} exists in the store with other content; give the line another id (or none) to keep both, ` +
              `or change that memory with \`cairn edit\``,
          );
        }
      }
      const { status, id } = stored ? { status: "duplicate" as const, id: memory.id } : insertImported(ctx, memory, now, hasId && keepCopies);
      if (id !== memory.id) storedAs.set(memory.id, id);
      for (const l of lineLinks) links.push(l);
      if (status === "created" && memory.status === "superseded" && memory.supersededBy !== null) successors.push({ from: id, to: memory.supersededBy, line: lineNo });
      if (status === "created") report.created++;
      else report.duplicates++;
      report.lines++;
      if (onProgress && report.lines % 1000 === 0) onProgress(report.lines, total);
    }
    if (onProgress && report.lines % 1000 !== 0) onProgress(report.lines, total);
    report.orphans = successors.filter((s) => !store.get(storedAs.get(s.to) ?? s.to)).length;
    // A chain of superseded_by that comes back to where it started leaves none of its memories current: recall
    // would return none of them (QA: two lines superseding each other imported, both hidden).
    for (const s of successors) {
      const seen = new Set([s.from]);
      for (let id = storedAs.get(s.to) ?? s.to, hop = 0; hop < MAX_CHAIN; hop++) {
        if (seen.has(id)) throw badImportLine(s.line, `its superseded_by chain comes back to it (${[...seen, id].join(" → ")}): none of those memories would be current; one of them must not be superseded`);
        seen.add(id);
        const m = store.get(id);
        if (!m || m.status !== "superseded" || m.supersededBy === null) break;
        id = storedAs.get(m.supersededBy) ?? m.supersededBy;
      }
    }
    for (const l of links) {
      const from = storedAs.get(l.from) ?? l.from;
      const to = storedAs.get(l.to) ?? l.to;
      // Two lines that are one memory here (a copy of one the store has): nothing to join.
      if (from === to) continue;
      if (!store.get(from) || !store.get(to)) {
        report.unlinked++;
        continue;
      }
      const metadata = { ...(l.possible ? { auto: true, [POSSIBLE_CHANGE]: true, ...(l.settled ? { [SETTLED]: l.settled } : {}) } : {}), ...(l.undone ? { [UNDONE]: l.createdAt ?? now } : {}) };
      if (store.addEdge({ fromId: from, toId: to, relation: l.relation, weight: 1, createdAt: l.createdAt ?? now, metadata })) {
        store.appendAudit({ at: now, actor: ctx.actor, op: "link", memoryId: from, hashBefore: null, hashAfter: null, contentBefore: null, detail: { relation: l.relation, to, imported: true } });
      } else {
        report.linksExisting++;
        // The link is here already: the file's settlement merges with ours as team sync merges it (relate.ts).
        const here = l.settled ? linkAmong(store.edges(from), from, to, l.relation) : undefined;
        if (here && conflictState(here.metadata) !== "none") settle(ctx, here, l.settled!, now, { imported: true });
      }
      report.links++;
    }
  }, { bulk: true });
  // Many new rows: the planner measures them now, not in the next long-lived process's quiet moment.
  if (report.created > 0) store.refreshPlannerStats();
  return report;
}

/**
 * Active memories go through duplicate detection; archived or superseded ones are history, stored as given. So
 * is an active one whose duplicate an earlier line of this file created under another id: the file (an export
 * of a store holding both, such as two reminders of one text due at different times) keeps them apart.
 */
function insertImported(ctx: EngineContext, memory: Memory, now: number, keepCopies: boolean): { status: "created" | "duplicate"; id: string } {
  if (memory.status === "active") {
    const found = ctx.store.findDuplicate(memory.project, memory.contentHash, memory.canonicalHash);
    if (!(keepCopies && found !== null && fromThisImport(ctx, found.id, now))) {
      const r = storeOrReinforce(ctx, memory, now, [], found);
      return { status: r.status, id: r.id };
    }
  }
  ctx.store.insert(memory);
  ctx.store.appendAudit({
    at: now,
    actor: ctx.actor,
    op: "create",
    memoryId: memory.id,
    hashBefore: null,
    hashAfter: memory.contentHash,
    contentBefore: null,
    detail: { imported: true, status: memory.status },
  });
  return { status: "created", id: memory.id };
}

/** The ids and content hashes (as the log keys them) of the memories this store erased, from its purge entries. */
function erasedHere(ctx: EngineContext): { ids: Set<string>; hashes: Set<string> } {
  const purges = ctx.store.auditLog({ op: "purge", limit: Number.MAX_SAFE_INTEGER });
  return { ids: new Set(purges.map((e) => e.memoryId)), hashes: new Set(purges.flatMap((e) => e.hashBefore ?? [])) };
}

/**
 * Whether a purge entry names content `hash`: keyed as this store keys it now, or plain, as purges before the audit
 * key (schema ≤ 5) wrote it and as those entries stay (SECURITY.md); a text erased by such an older cairn came back on
 * import (QA).
 */
function wasErased(hashes: Set<string>, hash: string, file: string, codec: ContentCodec): boolean {
  return hashes.has(auditedHash(file, codec, hash)) || hashes.has(hash);
}

/** Whether memory `id` was created by the import running at `now` (its one audit entry is that creation). */
function fromThisImport(ctx: EngineContext, id: string, now: number): boolean {
  const entries = ctx.store.auditLog({ memoryId: id, limit: 2 });
  return entries.length === 1 && entries[0]!.op === "create" && entries[0]!.at === now && entries[0]!.actor === ctx.actor;
}
