/**
 * @module One basic-memory note parsed per its documented syntax (basic-memory docs/NOTE-FORMAT.md): frontmatter
 * `title` (default: file name), `type` (default note), `tags` (list or comma string), `permalink` (default: from
 * the title); observations `- [category] text #tag (context)` (checkboxes and `[text](url)` links are not);
 * relations `- relation_type [[Target]] (context)` (a bare `- [[Target]]` is relates_to); `[[links]]` in prose
 * are `links_to`. Fenced code is neither: it stays in the note's text.
 */
import { basename, extname } from "node:path";
import { splitFrontmatter } from "./frontmatter.ts";
import { FENCE, HEADING } from "./markdown-items.ts";

export interface Observation {
  category: string;
  text: string;
  tags: string[];
  line: number;
}

export interface NoteRelation {
  type: string;
  target: string;
  context: string | null;
  line: number;
}

export interface Note {
  title: string;
  type: string;
  tags: string[];
  permalink: string;
  created: string | null;
  /** The body that is neither observation nor relation, as written, for the note's own memory (noteText). */
  text: string;
  observations: Observation[];
  relations: NoteRelation[];
}

const ITEM = /^\s*[-*+]\s+(.*)$/;
const CATEGORY = /^\[([^\[\]()]+)\]\s+(.*)$/;
const NOT_CATEGORY = /^(?:\s|x|X|-)$/;
const RELATION = /^([^\[\]]*?)\s*\[\[([^\]]+)\]\]\s*(?:\((.*)\))?\s*$/;
const TAG = /(^|\s)#([\p{L}][\p{L}\p{N}_/-]*)/gu;
const WIKILINK = /\[\[([^\]]+)\]\]/g;

export function parseNote(file: string, text: string): Note | { error: string } {
  const fm = splitFrontmatter(text);
  if ("error" in fm) return fm;
  const title = str(fm.data.title) ?? basename(file, extname(file));
  const tagsRaw = fm.data.tags;
  const tags = (Array.isArray(tagsRaw) ? tagsRaw : (tagsRaw ?? "").split(",")).map((t) => t.trim()).filter((t) => t !== "");
  const note: Note = {
    title,
    type: str(fm.data.type) ?? "note",
    tags,
    permalink: str(fm.data.permalink) ?? permalinkOf(title),
    created: str(fm.data.created) ?? str(fm.data.date) ?? null,
    text: "",
    observations: [],
    relations: [],
  };
  const kept: string[] = [];
  let fence = false;
  fm.body.split("\n").forEach((line, i) => {
    const n = i + 1 + fm.lines;
    const fenceLine = FENCE.test(line);
    if (fenceLine) fence = !fence;
    if (fence || fenceLine) return void kept.push(line);
    const item = ITEM.exec(line);
    if (item) {
      const body = item[1]!.trim();
      const cat = CATEGORY.exec(body);
      if (cat && !NOT_CATEGORY.test(cat[1]!)) return void note.observations.push(observation(cat[1]!.trim(), cat[2]!, n));
      const rel = RELATION.exec(body);
      if (rel) return void note.relations.push({ type: rel[1]!.trim() || "relates_to", target: rel[2]!.trim(), context: rel[3]?.trim() || null, line: n });
      if (!/^\[[ xX-]\]/.test(body) && hasTag(body)) return void note.observations.push(observation("note", body, n));
    }
    for (const m of line.matchAll(WIKILINK)) note.relations.push({ type: "links_to", target: m[1]!.trim(), context: null, line: n });
    kept.push(line.trimEnd());
  });
  note.text = noteText(kept, title);
  return note;
}

/**
 * The note's own text: its body as written (code, tables, lists and line breaks kept), without the lines that
 * became observations and relations, the heading repeating the title, and headings left with nothing under them.
 */
function noteText(lines: readonly string[], title: string): string {
  const level = (line: string) => HEADING.exec(line)?.[1]!.length ?? 0;
  const out: string[] = [];
  let inFence = false;
  lines.forEach((line, i) => {
    const fenceLine = FENCE.test(line);
    if (fenceLine) inFence = !inFence;
    const h = inFence || fenceLine ? 0 : level(line);
    if (h === 0) return void out.push(line);
    if (h === 1 && line.replace(/^#\s+/, "").trim() === title) return;
    // A heading stays when something other than a blank line comes before the next heading of its level or above.
    for (let j = i + 1; j < lines.length; j++) {
      const next = level(lines[j]!);
      if (next > 0 && next <= h) return;
      if (next === 0 && lines[j]!.trim() !== "") return void out.push(line);
    }
  });
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trim();
}

/** basic-memory derives a permalink from the title: lower case, words joined by dashes. */
export function permalinkOf(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9/]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function observation(category: string, raw: string, line: number): Observation {
  const tags = [...raw.matchAll(TAG)].map((m) => m[2]!);
  const text = raw.replace(TAG, "$1").replace(/\s+/g, " ").trim();
  return { category, text, tags, line };
}

function hasTag(text: string): boolean {
  TAG.lastIndex = 0;
  return TAG.test(text);
}

function str(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}
