/**
 * @module `cairn import --from <format>`: a peer adapter's records planned against the store (what would be
 * created, what is already there and why), then written through the engine's all-or-nothing JSONL import,
 * and linked. Planning only reads, so `--dry-run` cannot change anything.
 */
import { canonicalize, contentHashes } from "../capture/normalize.ts";
import { redactSecrets } from "../capture/redact.ts";
import { linkAmong } from "../domain/edge.ts";
import type { Engine } from "../engine/engine.ts";
import type { Progress } from "../engine/import.ts";
import { checkImportProject, readImportLine } from "../engine/import-parse.ts";
import { checkContent, checkType } from "../engine/validate.ts";
import { CairnError, cairnError, describeError } from "../errors.ts";
import { type PeerBatch, type PeerRecord, toImportLine, type WholeFiles } from "../import-formats/types.ts";
import type { MemoryFilter } from "../domain/memory.ts";
import type { Hold } from "../domain/retention.ts";
import { exactScope } from "../engine/scope.ts";

export interface PlanItem {
  where: string;
  /** The id the memory has (or will have) in cairn. */
  id: string;
  type: string;
  content: string;
  /**
   * `update`: imported before, and its text has changed in the source since (the memory takes the new text);
   * `held`: so too, but a legal hold keeps the memory as it is.
   */
  action: "create" | "update" | "skip" | "held";
  /** Why a record is skipped or updated: already imported, same text as a stored memory, or as another record. */
  reason?: string;
}

export interface LinkPlan {
  from: string;
  to: string;
  relation: string;
  where: string;
  /** `held`: a supersedes link onto a memory under a legal hold, left out. */
  action: "create" | "exists" | "held";
}

/** A memory imported before from a file the batch holds whole, that the file no longer says. */
export interface RetireItem {
  id: string;
  type: string;
  content: string;
  /** The file it came from, as its metadata names it. */
  where: string;
  /** `retire`: archived by the import (`cairn restore` brings it back); `keep`: a legal hold keeps it as it is. */
  action: "retire" | "keep";
  reason: string;
}

export interface PeerPlan {
  items: PlanItem[];
  links: LinkPlan[];
  /** What the source's whole files no longer say (PeerBatch.whole); empty for other sources. */
  retire: RetireItem[];
}

/** What each record and link would do; throws PEER_RECORD for a record cairn would refuse (empty, too large, bad type). */
export function planPeerImport(engine: Engine, source: string, batch: PeerBatch): PeerPlan {
  const target = new Map<string, string>();
  const inBatch = new Map<string, PlanItem>();
  const items = batch.records.map((record, i): PlanItem => {
    collectGarbageEvery(i);
    // As it will be stored: a report (dry run, --json) must not print a secret the store never holds (QA), and
    // the stored text it is compared with is redacted too.
    const content = redactSecrets(checked(engine, source, record)).text;
    const base = { where: record.where, type: record.type, content };
    const stored = locate(engine, record, content);
    if (stored) {
      target.set(record.id, stored.id);
      // Changed in the source, but under a legal hold here: it stays as it is, and the rest of the import goes
      // on (QA: the update failed after the import had written the other records, "nothing was changed").
      const hold = stored.changed ? holdOn(engine, stored.id) : undefined;
      if (hold) return { ...base, id: stored.id, action: "held", reason: `changed in the source, but kept as it is while hold ${hold.id} is in force` };
      return { ...base, id: stored.id, action: stored.changed ? "update" : "skip", reason: stored.why };
    }
    const key = `${record.project ?? ""}\u0000${canonicalize(content)}`;
    const twin = isActive(record) ? inBatch.get(key) : undefined;
    if (twin) {
      target.set(record.id, twin.id);
      return { ...base, id: twin.id, action: "skip", reason: `same text as ${twin.where}` };
    }
    const item: PlanItem = { ...base, id: record.id, action: "create" };
    if (isActive(record)) inBatch.set(key, item);
    target.set(record.id, record.id);
    return item;
  });
  const links: LinkPlan[] = [];
  const seen = new Set<string>();
  for (const link of batch.links) {
    const from = target.get(link.from);
    const to = target.get(link.to);
    if (!from || !to || from === to) continue;
    const key = `${from} ${link.relation} ${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const exists = linkAmong(engine.store.edges(from), from, to, link.relation) !== undefined;
    // A supersedes link would retire a held memory, which `relate` refuses: left out, said in the plan.
    const held = !exists && link.relation === "supersedes" && holdOn(engine, to) !== undefined;
    links.push({ from, to, relation: link.relation, where: link.where, action: exists ? "exists" : held ? "held" : "create" });
  }
  return { items, links, retire: batch.whole ? noLongerSaid(engine, batch.whole, new Set(target.values())) : [] };
}

/** Memories imported before from the whole files that no record of the batch is (or is the twin of) now. */
function noLongerSaid(engine: Engine, whole: WholeFiles, kept: ReadonlySet<string>): RetireItem[] {
  const filter: MemoryFilter = { scope: exactScope(whole.project), tags: [whole.tag], statuses: ["active"] };
  const out: RetireItem[] = [];
  for (const m of engine.store.listAll(filter, engine.now(), "oldest")) {
    const file = m.metadata.file;
    if (m.metadata.source_format !== whole.format || typeof file !== "string" || kept.has(m.id)) continue;
    if (!whole.covers(file, m.metadata)) continue;
    const hold = engine.store.policy.holdsOn(m)[0];
    const base = { id: m.id, type: m.type, content: m.content, where: file };
    out.push(hold ? { ...base, action: "keep", reason: `no longer in ${file}; kept as it is while hold ${hold.id} is in force` } : { ...base, action: "retire", reason: `no longer in ${file}` });
  }
  return out;
}

export interface PeerReport {
  records: number;
  created: number;
  /** Records already in cairn (imported before, or the same text), reinforced or left as they were. */
  already_present: number;
  /** Records imported before whose text changed in the source since: their memories took the new text. */
  updated: number;
  links_created: number;
  links_existing: number;
  /** Memories imported before from a whole file (a rule file) that it no longer says: archived. */
  retired: number;
}

/**
 * Writes the batch: every record in one transaction (engine.import), then the links between the memories
 * they became. A bad record stops the import before anything is written, named by its place in the source.
 */
export async function applyPeerImport(engine: Engine, source: string, batch: PeerBatch, plan: PeerPlan, onProgress?: Progress): Promise<PeerReport> {
  const updates = new Map(plan.items.flatMap((item, i) => (item.action === "update" ? [[i, item] as const] : [])));
  const held = new Set(plan.items.flatMap((item, i) => (item.action === "held" ? [i] : [])));
  // The records the import writes: not those updated in place or kept as they are under a hold.
  const imported = batch.records.filter((_, i) => !updates.has(i) && !held.has(i));
  // Serialised one record at a time as the import reads them: a large peer store is not held twice.
  const lines = (function* () {
    for (const [i, r] of imported.entries()) {
      collectGarbageEvery(i);
      yield importLine(r);
    }
  })();
  let report;
  try {
    report = await engine.import(lines, onProgress, { sameText: "merge", storedId: "keep" });
  } catch (err) {
    if (err instanceof CairnError && err.code === "BAD_IMPORT_LINE") {
      const record = imported[Number(err.args[0]) - 1];
      throw cairnError("PEER_RECORD", [source, record?.where ?? `record ${err.args[0]}`, String(err.args[1] ?? describeError(err))], err);
    }
    throw err;
  }
  for (const [i, item] of updates) {
    const stored = engine.store.get(item.id)!;
    engine.update(item.id, { content: item.content, metadata: { ...stored.metadata, [SOURCE_HASH]: sourceHash(batch.records[i]!.content) } });
  }
  const retired = plan.retire.filter((r) => r.action === "retire");
  for (const r of retired) engine.forget(r.id, { reason: `${r.reason} (import from ${source})` });
  let linksCreated = 0;
  let linksExisting = 0;
  for (const link of plan.links) {
    if (link.action === "held") continue;
    const result = engine.relate(link.from, link.to, link.relation);
    if (result.status === "created") linksCreated++;
    else linksExisting++;
  }
  return { records: report.lines + updates.size + held.size, created: report.created, already_present: report.duplicates + held.size, updated: updates.size, links_created: linksCreated, links_existing: linksExisting, retired: retired.length };
}

/**
 * Metadata key of the hash of a record's text as the source gave it, secrets taken out: a second import tells a
 * record changed in the source (take its new text) from one edited in cairn since (keep cairn's: the source has
 * nothing new). Hashed after redaction: a hash of the raw text gave a short secret back to anyone trying its
 * values against the text around it, stored in the clear (QA: a PIN found in 10,000 tries).
 */
const SOURCE_HASH = "source_text_sha256";

const sourceHash = (content: string) => contentHashes(redactSecrets(content).text).contentHash;

/** The line `engine.import` reads for the record: its fields, and the hash of its text as the source gave it. */
function importLine(record: PeerRecord): string {
  return JSON.stringify(toImportLine({ ...record, metadata: { ...record.metadata, [SOURCE_HASH]: sourceHash(record.content) } }));
}

/**
 * The stored memory a record already is: the same stable id (imported before), or, for an active record, the
 * same text in its scope (superseded and archived records are history and are stored as given).
 */
function locate(engine: Engine, record: PeerRecord, content: string): { id: string; why: string; changed?: boolean } | null {
  const byId = engine.store.get(record.id);
  if (byId) {
    // Imported before: unchanged in the source (whatever was edited in cairn since), or changed there. A memory
    // no longer active here (forgotten, archived, superseded) is left as it is.
    const unchanged = byId.content === content || byId.metadata[SOURCE_HASH] === sourceHash(record.content);
    if (unchanged || byId.status !== "active") return { id: byId.id, why: "already imported" };
    return { id: byId.id, why: "changed in the source since it was imported: the memory takes the new text (the earlier one stays in its history)", changed: true };
  }
  if (!isActive(record)) return null;
  const { contentHash, canonicalHash } = contentHashes(content);
  const twin = engine.store.findDuplicate(record.project, contentHash, canonicalHash);
  return twin ? { id: twin.id, why: `same text as memory ${twin.id}` } : null;
}

/** Records between forced collections in the per-record loops of a plan and an import. */
const COLLECT_EVERY = 5000;

/**
 * A full collection every {@link COLLECT_EVERY} records. Each record leaves garbage behind (redaction, hashes,
 * lookups, its import line) while the whole batch stays alive, and with that much live heap the collector let
 * the garbage grow far past it: a 100k-record mem0 import peaked at 770 MB, ~6.5 KB a record (QA); ~400 MB with
 * this and flat ids (stable-id.ts), 610 MB at 200k. A JSONL import, which holds no batch, needs ~220 MB.
 */
function collectGarbageEvery(i: number): void {
  if (i > 0 && i % COLLECT_EVERY === 0) Bun.gc(true);
}

/** The first legal hold on the stored memory `id` (none yet: not held). */
function holdOn(engine: Engine, id: string): Hold | undefined {
  const m = engine.store.get(id);
  return m === null ? undefined : engine.store.policy.holdsOn(m)[0];
}

function isActive(record: PeerRecord): boolean {
  return record.status === undefined || record.status === "active";
}

/**
 * The record's content as cairn takes it; PEER_RECORD when cairn would refuse the record, found here so a dry
 * run says what the import would (QA: a project named "global" passed the dry run and stopped the import).
 */
function checked(engine: Engine, source: string, record: PeerRecord): string {
  let content: string;
  try {
    checkType(record.type);
    if (typeof record.project === "string") checkImportProject(record.project);
    content = checkContent(record.content);
  } catch (err) {
    // A peer's project name cannot be fixed in its source: --project is the way round it.
    const way = typeof record.project === "string" && /field "project"/.test(describeError(err)) ? "; `--project <name>` stores every record of the source in that project instead" : "";
    throw cairnError("PEER_RECORD", [source, record.where, `${describeError(err)}${way}`], err);
  }
  // The line the import will write, read as the import reads it: every check it makes (nesting, sizes, tags,
  // times) holds for the plan too (QA: metadata nested 40 deep was "create" in the dry run, and the import refused it).
  const read = readImportLine({ project: engine.project, now: engine.now(), aliases: NO_ALIASES }, importLine(record));
  if ("why" in read) throw cairnError("PEER_RECORD", [source, record.where, read.why], read.cause);
  return content;
}

const NO_ALIASES: ReadonlyMap<string, string> = new Map();
