/**
 * @module One basic-memory note parsed per its documented syntax (basic-memory docs/NOTE-FORMAT.md): frontmatter
 * `title` (default: file name), `type` (default note), `tags` (list or comma string), `permalink` (default: from
 * the title); observations `- [category] text #tag (context)` (checkboxes and `[text](url)` links are not);
 * relations `- relation_type [[Target]] (context)` (a bare `- [[Target]]` is relates_to); `[[links]]` in prose
 * are `links_to`. Fenced code is neither.
 */
import { basename, extname } from "node:path";
import { splitFrontmatter } from "./frontmatter.ts";

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
  /** The prose that is neither observation nor relation nor heading, for the note's own memory. */
  summary: string;
  observations: Observation[];
  relations: NoteRelation[];
}

const SUMMARY_MAX = 1000;
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
    summary: "",
    observations: [],
    relations: [],
  };
  const prose: string[] = [];
  let fence = false;
  fm.body.split("\n").forEach((line, i) => {
    const n = i + 1 + fm.lines;
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (fence || /^\s*(```|~~~)/.test(line)) return;
    if (/^\s*#{1,6}\s/.test(line)) return;
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
    if (line.trim() !== "") prose.push(line.trim());
  });
  // The note's own memory says what it is about; its full prose stays in the note file.
  const summary = prose.join(" ").replace(/\s+/g, " ").trim();
  note.summary = summary.length > SUMMARY_MAX ? `${summary.slice(0, SUMMARY_MAX - 1)}…` : summary;
  return note;
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
