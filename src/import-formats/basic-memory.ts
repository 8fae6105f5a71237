/**
 * @module `--from basic-memory`: a folder of basic-memory markdown notes (or one note). Each note becomes a memory
 * ("<title>: <its prose>") and each observation a memory "<title>: <text>" linked `part_of` its note, typed by
 * its category (see CATEGORY_TYPES) and tagged with the category, its #tags and the note's tags. Relations
 * whose type is a cairn relation (depends_on, part_of, relates_to …) link the two notes; other types
 * (works_at, implements …) become facts "A works at B" linked `relates_to` both notes; `[[links]]` in prose
 * link the notes `relates_to`. Notes describe a knowledge base, not one repository: global unless --project.
 */
import { realpathSync } from "node:fs";
import { join, relative } from "node:path";
import { isRelation, relationName } from "../domain/edge.ts";
import { MAX_CONTENT_BYTES } from "../engine/validate.ts";
import { type Note, parseNote, permalinkOf } from "./basic-memory-note.ts";
import { folderEntries, notReadable } from "./folder-files.ts";
import { badRecord, isDirectory, readText } from "./read-source.ts";
import { tagSlug } from "./tag-slug.ts";
import { sourceKey, stableId } from "./stable-id.ts";
import type { Adapter, AdapterOptions, PeerBatch, PeerRecord, PeerSkip } from "./types.ts";
import { own } from "../domain/own.ts";

const FORMAT = "basic-memory";

/** Observation category → cairn type; any other category is a fact. */
export const CATEGORY_TYPES: Readonly<Record<string, string>> = {
  decision: "decision",
  decisions: "decision",
  preference: "preference",
  lesson: "lesson",
  learning: "lesson",
  insight: "lesson",
  error: "error",
  bug: "error",
  problem: "error",
  issue: "error",
  task: "task",
  todo: "task",
  action: "task",
  action_items: "task",
  note: "note",
  idea: "note",
  question: "note",
};

export const adapter: Adapter = { read };

function read(path: string, opts: AdapterOptions): PeerBatch {
  const { root, files, skipped } = noteFiles(path);
  const project = opts.project === undefined ? null : opts.project;
  const source = sourceKey(project, root);
  // The notes read are the whole of what they say now, the folder (or the one note) the whole of its notes: a
  // memory imported from one of them before that the batch no longer has is archived (QA: an edited
  // observation stayed active beside its new wording). Told by the folder each memory came from.
  const realRoot = realpathSync(root);
  const single = files.length === 1 && !isDirectory(path) ? relative(root, files[0]!) : null;
  const whole = { format: FORMAT, project, tag: FORMAT, covers: (file: string, meta: Record<string, unknown>) => meta.root === realRoot && (single === null || file === single) };
  const batch: PeerBatch = { records: [], links: [], skipped, whole };
  const notes: Array<{ note: Note; rel: string; id: string }> = [];
  const byName = new Map<string, string>();
  for (const file of files) {
    const rel = relative(root, file) || file;
    const parsed = parseNote(rel, readText(file));
    if ("error" in parsed) throw badRecord(file, "line 1", parsed.error);
    const id = stableId(FORMAT, `${source}note:${parsed.permalink}`);
    const clash = notes.find((n) => n.id === id);
    if (clash) {
      batch.skipped.push({ where: rel, reason: `same permalink "${parsed.permalink}" as ${clash.rel}` });
      continue;
    }
    notes.push({ note: parsed, rel, id });
    for (const name of [parsed.title, parsed.permalink, permalinkOf(parsed.title)]) byName.set(name.toLowerCase(), id);
  }
  const seen = new Set<string>();
  const add = (record: PeerRecord): boolean => {
    if (seen.has(record.id)) {
      batch.skipped.push({ where: record.where, reason: "repeats an earlier line of the note" });
      return false;
    }
    seen.add(record.id);
    batch.records.push(record);
    return true;
  };
  for (const { note, rel, id } of notes) {
    const base = { source_format: FORMAT, note: note.title, permalink: note.permalink, file: rel, root: realRoot };
    const noteTags = [...note.tags.map(tagSlug), tagSlug(note.type)].filter((t) => t !== "");
    const created = isoOrUndefined(note.created);
    const record = (rid: string, content: string, type: string, tags: string[], metadata: Record<string, unknown>, where: string): PeerRecord => ({
      id: rid, content, type, tags: [...new Set([...tags, FORMAT])], project, metadata: { ...base, ...metadata }, where, source: rel, ...(created ? { created_at: created } : {}),
    });
    const whole = note.text ? `${note.title}: ${note.text}` : `${note.title} (${note.type})`;
    const content = withinLimit(whole);
    if (content !== whole) batch.skipped.push({ where: rel, reason: `the note's text past ${MAX_CONTENT_BYTES / 1024} KiB (a memory's limit) is left out; it stays in the note` });
    add(record(id, content, "note", noteTags, { note_type: note.type }, rel));
    for (const o of note.observations) {
      const where = `${rel} line ${o.line}`;
      if (o.text === "") {
        batch.skipped.push({ where, reason: "observation without text" });
        continue;
      }
      const oid = stableId(FORMAT, `${source}note:${note.permalink}:observation:${o.category}:${o.text}`);
      const type = own(CATEGORY_TYPES, o.category.toLowerCase()) ?? "fact";
      const tags = [tagSlug(o.category), ...o.tags.map(tagSlug), ...noteTags].filter((t) => t !== "");
      if (add(record(oid, `${note.title}: ${o.text}`, type, tags, { category: o.category }, where))) batch.links.push({ from: oid, to: id, relation: "part_of", where });
    }
    for (const r of note.relations) {
      const where = `${rel} line ${r.line}`;
      const target = byName.get(r.target.toLowerCase()) ?? byName.get(permalinkOf(r.target));
      const direct = relationName(r.type);
      const linkAs = direct === "links_to" ? "relates_to" : direct;
      if (target && isRelation(linkAs) && linkAs !== "supersedes") {
        if (target !== id) batch.links.push({ from: id, to: target, relation: linkAs, where });
        continue;
      }
      if (direct === "links_to") {
        batch.skipped.push({ where, reason: `no note "${r.target}" in the folder to link to` });
        continue;
      }
      const rid = stableId(FORMAT, `${source}note:${note.permalink}:relation:${r.type}:${r.target}`);
      const words = `${note.title} ${r.type.replace(/_/g, " ")} ${r.target}${r.context ? ` (${r.context})` : ""}`;
      const tags = ["relation", tagSlug(r.type), ...noteTags].filter((t) => t !== "");
      if (!add(record(rid, words, "fact", tags, { relation: { from: note.title, to: r.target, relation_type: r.type } }, where))) continue;
      batch.links.push({ from: rid, to: id, relation: "relates_to", where });
      if (target && target !== id) batch.links.push({ from: rid, to: target, relation: "relates_to", where });
      else if (!target) batch.skipped.push({ where, reason: `no note "${r.target}" in the folder: the relation is kept as a fact, without a link to it` });
    }
  }
  return batch;
}

/** `text` cut at a line (or character) boundary to a memory's size limit, marked with "…". */
function withinLimit(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= MAX_CONTENT_BYTES) return text;
  // Decoding a cut byte string drops a split character's tail as U+FFFD: strip that, then end at a line if one is near.
  const cut = bytes.subarray(0, MAX_CONTENT_BYTES - 4).toString("utf8").replace(/\uFFFD+$/, "");
  const line = cut.lastIndexOf("\n");
  return `${line > cut.length * 0.9 ? cut.slice(0, line) : cut}…`;
}

/** The notes to read, and the folder's other files, said as left out (QA: they went unmentioned). */
function noteFiles(path: string): { root: string; files: string[]; skipped: PeerSkip[] } {
  if (!isDirectory(path)) {
    // A memory.jsonl given here became a note holding its first line (QA): notes are markdown.
    if (!/\.(md|markdown)$/i.test(path)) throw badRecord(path, "the file", "it is not a basic-memory note (a .md file); give the notes' folder, or another tool's export with its --from format");
    return { root: join(path, ".."), files: [path], skipped: [] };
  }
  const files: string[] = [];
  const skipped: PeerSkip[] = [];
  // Hidden folders (.git, .obsidian, .basic-memory) hold tool state, not notes. Links are not followed out of
  // the folder, nor into folders (folder-files.ts: `up -> ..` made a walk that never ended, QA).
  const hidden = (rel: string) => rel.split("/").some((part) => part.startsWith("."));
  for (const rel of folderEntries(path, (dir) => !hidden(dir)).filter((rel) => !hidden(rel))) {
    const why = notReadable(path, join(path, rel));
    if (why !== null) skipped.push({ where: rel, reason: why });
    else if (!rel.endsWith(".md")) skipped.push({ where: rel, reason: "not a note (basic-memory notes are .md files)" });
    else files.push(join(path, rel));
  }
  if (files.length === 0) throw badRecord(path, "the directory", "it holds no .md notes; give basic-memory's project folder or one note");
  return { root: path, files, skipped };
}

function isoOrUndefined(value: string | null): string | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
