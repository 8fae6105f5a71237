/**
 * @module `cairn import <folder>` of what `cairn export --format markdown` wrote: each memory's file gives back
 * its fields (the frontmatter, JSON values), its content (the body, without the links section the export adds)
 * and its outgoing links (the section's relative links, by the file each one names), as the JSONL lines
 * `cairn import` reads — so a Markdown export kept in git is a backup that comes back whole. A link's time and
 * state as a possible conflict come from the frontmatter's copy of the links, for each link the section still has.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { cairnError } from "../errors.ts";
import { folderEntries, notReadable } from "../import-formats/folder-files.ts";

/** The first line of the index the export writes at the folder's top. */
const INDEX_TITLE = "# cairn memories";
/** The links section the export appends: one `- relation[ (from)]: …` line each. */
const LINKS = /\n\n## Links\n\n((?:- [^\n]*\n)+)$/;
const OUT_LINK = /^- ([a-z_]+): \[[^\]]*\]\(([^)]+)\)$/;
const OUT_OF_EXPORT = /^- ([a-z_]+): (.+) \(not in this export\)$/;

/** Whether `dir` is a folder `cairn export --format markdown` wrote (its README.md index says so). */
export function isMarkdownExport(dir: string): boolean {
  const index = join(dir, "README.md");
  return existsSync(index) && notReadable(dir, index) === null && readFileSync(index, "utf8").startsWith(`${INDEX_TITLE}\n`);
}

/** The import lines of a Markdown export folder, one a memory, in the order of its files' paths, and those files (relative). */
export function markdownExportLines(dir: string): { lines: string[]; files: string[] } {
  const files = memoryFiles(dir);
  const parsed = files.map((file) => ({ file, ...readMemoryFile(dir, file) }));
  const idOf = new Map(parsed.map((p) => [resolve(p.file), p.fields.id]));
  const lines = parsed.map(({ file, fields, content, links }) => {
    const out = links.flatMap((line) => {
      const inside = OUT_LINK.exec(line);
      if (inside) {
        const to = idOf.get(resolve(dirname(file), decodeURI(inside[2]!)));
        if (to === undefined) throw bad(dir, file, `its link "${line}" names a file that is not in the folder`);
        return [{ relation: inside[1]!, to }];
      }
      const outside = OUT_OF_EXPORT.exec(line);
      if (outside) return [{ relation: outside[1]!, to: outside[2]!.startsWith('"') ? (JSON.parse(outside[2]!) as string) : outside[2]! }];
      return []; // "relation (from)": the other memory's file holds it as its own
    });
    // The links section says which links there are (a hand edit counts); the frontmatter's copy of each keeps
    // its time and whether it is a possible conflict, settled or not (QA: a dismissed one came back confirmed).
    const kept = Array.isArray(fields.links) ? (fields.links as Array<Record<string, unknown>>) : [];
    const withState = out.map((l) => ({ ...(kept.find((k) => k.relation === l.relation && k.to === l.to) ?? {}), ...l }));
    const { links: _, ...rest } = fields;
    return JSON.stringify({ ...rest, content, ...(withState.length > 0 ? { links: withState } : {}) });
  });
  return { lines, files: files.map((f) => relative(dir, f)) };
}

/**
 * The memory files, by path. The export writes files and folders only: a link in the folder is someone else's
 * and stops the import, named (QA: one out of the folder was imported; links to `..` were walked in a loop).
 */
function memoryFiles(dir: string): string[] {
  const out: string[] = [];
  for (const rel of folderEntries(dir)) {
    if (!rel.endsWith(".md") || rel === "README.md") continue;
    const path = join(dir, rel);
    const why = notReadable(dir, path);
    if (why !== null) throw bad(dir, path, `${why} (an export folder holds the files cairn wrote; remove it, or import what it leads to on its own)`);
    out.push(path);
  }
  return out;
}

function readMemoryFile(dir: string, file: string): { fields: Record<string, unknown> & { id: unknown }; content: string; links: string[] } {
  const text = readFileSync(file, "utf8").replace(/\r\n/g, "\n");
  if (!text.startsWith("---\n")) throw bad(dir, file, "it does not start with the export's frontmatter (---)");
  const end = text.indexOf("\n---\n", 3);
  if (end < 0) throw bad(dir, file, "its frontmatter is not closed (---)");
  const fields: Record<string, unknown> = {};
  for (const line of text.slice(4, end).split("\n")) {
    const colon = line.indexOf(": ");
    if (colon < 1) throw bad(dir, file, `the frontmatter line "${line.slice(0, 60)}" is not "field: value"`);
    try {
      fields[line.slice(0, colon)] = JSON.parse(line.slice(colon + 2));
    } catch {
      throw bad(dir, file, `the value of "${line.slice(0, colon)}" is not the JSON the export writes`);
    }
  }
  if (typeof fields.id !== "string") throw bad(dir, file, 'its frontmatter has no "id"');
  // The export writes a blank line, the content and a new line, then the links section, if any: said by the
  // frontmatter since session 59 (the content's own "## Links" list was taken for it); read by its shape before.
  const body = text.slice(end + 5).replace(/^\n/, "");
  const said = fields.links_section;
  delete fields.links_section;
  const section = said === false ? null : LINKS.exec(body);
  const content = section ? body.slice(0, section.index) : body.replace(/\n$/, "");
  return { fields: fields as Record<string, unknown> & { id: string }, content, links: section ? section[1]!.trimEnd().split("\n") : [] };
}

function bad(dir: string, file: string, why: string) {
  return cairnError("IMPORT_READ", [dir, `${relative(dir, file)}: ${why}`]);
}
