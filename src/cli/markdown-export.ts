/**
 * @module `cairn export --format markdown`: a folder a person can read, grep and keep in git. One file per
 * memory — YAML frontmatter with every field of the JSONL export, the content as the body, its links as
 * relative Markdown links — grouped as `<project>/<type>/<short id>-<first words>.md`, and a README.md
 * index. Files are private (0600, folders 0700): they hold what the agents remembered. File names come only
 * from sanitised parts (an id stored before ids were checked, or arriving by team sync, cannot name a path
 * outside the folder), and the folder holds the whole export or nothing (export-folder.ts).
 */
import { dirname, join, relative } from "node:path";
import { isSafeId } from "../domain/safe-id.ts";
import type { MemoryJson } from "../domain/serialize.ts";
import type { Link } from "../engine/relate.ts";
import { withExportFolder } from "./export-folder.ts";
import { letSignalsIn } from "./interrupt.ts";
import { projectLabel } from "./format.ts";
import { cutText } from "../text/cut.ts";

export interface MarkdownSource {
  records: Iterable<MemoryJson>;
  links(id: string): Link[];
  shortIds(ids: readonly string[]): Map<string, string>;
}

/** Writes the folder; returns how many memories it holds. `dir` must not exist or be empty. */
export function exportMarkdown(source: MarkdownSource, dir: string, onProgress?: (n: number) => void): Promise<number> {
  return withExportFolder(dir, async (folder) => {
    const records = [...source.records];
    const short = source.shortIds(records.map((r) => r.id));
    const folders = projectFolders(records.map((r) => r.project));
    const pathOf = filePaths(records, short, folders);
    for (const [i, r] of records.entries()) {
      const rel = pathOf.get(r.id)!;
      const links = source.links(r.id).map((l) => {
        const target = pathOf.get(l.id);
        const label = `${l.direction === "out" ? l.relation : `${l.relation} (from)`}`;
        return target ? `- ${label}: [${linkText(short.get(l.id) ?? l.id)}](${encodeURI(relative(dirname(rel), target))})` : `- ${label}: ${linkText(l.id)} (not in this export)`;
      });
      folder.write(rel, `${frontmatter(r, links.length > 0)}\n${r.content}\n${links.length > 0 ? `\n## Links\n\n${links.join("\n")}\n` : ""}`);
      if ((i + 1) % 1000 === 0) onProgress?.(i + 1);
      // Ctrl-C is handled between files, so the staging folder goes with the export.
      if ((i + 1) % 200 === 0) await letSignalsIn();
    }
    folder.write("README.md", index(records, folders));
    return records.length;
  });
}

/**
 * `<project>/<type>/<id part>-<first words>.md` for each memory: the id part is its short id where that is a
 * plain name, else a cleaned form with a hash of the id (two ids cleaned alike still differ); names that would
 * still meet (letter case aside, for case-insensitive disks) get the id's hash, then a number.
 */
function filePaths(records: readonly MemoryJson[], short: Map<string, string>, folders: Map<string | null, string>): Map<string, string> {
  const taken = new Set<string>();
  const paths = new Map<string, string>();
  for (const r of records) {
    const shown = short.get(r.id) ?? r.id;
    const plain = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(shown) && !shown.includes("..");
    const idPart = plain ? shown : `${safeName(shown).slice(0, 40)}-${hashOf(r.id, 8)}`;
    const stem = join(folders.get(r.project)!, safeName(r.type), `${idPart}-${slug(r.content)}`);
    let path = `${stem}.md`;
    for (let n = 1; taken.has(path.toLowerCase()); n++) path = `${stem}-${hashOf(r.id, 8)}${n > 1 ? `-${n}` : ""}.md`;
    taken.add(path.toLowerCase());
    paths.set(r.id, path);
  }
  return paths;
}

/** An id as link text: as it is when it is a plain id, else quoted so no character of it reads as Markdown or a new line. */
function linkText(id: string): string {
  return isSafeId(id) ? id : JSON.stringify(id);
}

function hashOf(text: string, chars: number): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex").slice(0, chars);
}

/** Every field, in the JSONL export's names; JSON strings are valid YAML scalars, so nothing needs escaping. */
/**
 * The memory's fields, and whether the body ends with the links section the export adds (`links_section`): a
 * memory's own text may end with a "## Links" list, which the import took for the export's (QA: content cut).
 */
function frontmatter(r: MemoryJson, linksSection: boolean): string {
  const { content: _content, ...fields } = r;
  const lines = [...Object.entries(fields), ["links_section", linksSection] as const].map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `---\n${lines.join("\n")}\n---\n`;
}

/** A folder per project, named as cairn shows it; two projects shown alike get their key's hash appended. */
function projectFolders(projects: ReadonlyArray<string | null>): Map<string | null, string> {
  const keys = [...new Set(projects)];
  const names = keys.map((k) => safeName(projectLabel(k)));
  return new Map(
    keys.map((k, i) => {
      // The index is README.md at the top: a project shown so gets its key's hash too (QA: the export failed, EEXIST).
      const clash = names.filter((n) => n === names[i]).length > 1 || names[i]!.toLowerCase() === "readme.md";
      return [k, clash && k !== null ? `${names[i]}-${hashOf(k, 6)}` : names[i]!];
    }),
  );
}

function index(records: readonly MemoryJson[], folders: Map<string | null, string>): string {
  const lines = ["# cairn memories", "", `${records.length} memories, exported ${new Date().toISOString()}.`, ""];
  for (const [project, folder] of folders) {
    const mine = records.filter((r) => r.project === project);
    const byType = new Map<string, number>();
    for (const r of mine) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    const types = [...byType].map(([t, n]) => `${n} ${t}`).join(", ");
    lines.push(`- [${projectLabel(project)}](${encodeURI(folder)}/)${project ? ` (\`${project}\`)` : ""}: ${types}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The first words of a memory, for a file name a person can scan. */
function slug(content: string): string {
  // Accents come off (NFKD splits "é" into "e" and a combining mark, which split words: "e-lodie" for "Élodie").
  const words = content.toLowerCase().normalize("NFKD").replace(/\p{M}+/gu, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim().split(" ").slice(0, 8);
  return safeName(words.join("-")).slice(0, 48).replace(/-+$/, "") || "memory";
}

function safeName(text: string): string {
  return cutText(text.replace(/[^\p{L}\p{N}._-]+/gu, "-").replace(/^[.-]+/, ""), 64) || "project";
}
