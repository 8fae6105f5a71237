/**
 * @module `cairn export --format markdown`: a folder a person can read, grep and keep in git. One file per
 * memory — YAML frontmatter with every field of the JSONL export, the content as the body, its links as
 * relative Markdown links — grouped as `<project>/<type>/<short id>-<first words>.md`, and a README.md
 * index. Files are private (0600, folders 0700): they hold what the agents remembered.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { MemoryJson } from "../domain/serialize.ts";
import type { Link } from "../engine/relate.ts";
import { cairnError } from "../errors.ts";
import { projectLabel } from "./format.ts";

export interface MarkdownSource {
  records: Iterable<MemoryJson>;
  links(id: string): Link[];
  shortIds(ids: readonly string[]): Map<string, string>;
}

/** Writes the folder; returns how many memories it holds. `dir` must not exist or be empty. */
export function exportMarkdown(source: MarkdownSource, dir: string, onProgress?: (n: number) => void): number {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw cairnError("USAGE", [`${dir} is not empty; give --out a new or empty folder.`]);
  const records = [...source.records];
  const short = source.shortIds(records.map((r) => r.id));
  const folders = projectFolders(records.map((r) => r.project));
  const pathOf = new Map(records.map((r) => [r.id, join(folders.get(r.project)!, r.type, `${short.get(r.id)}-${slug(r.content)}.md`)]));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, rel), text, { mode: 0o600 });
  };
  records.forEach((r, i) => {
    const rel = pathOf.get(r.id)!;
    const links = source.links(r.id).map((l) => {
      const target = pathOf.get(l.id);
      const label = `${l.direction === "out" ? l.relation : `${l.relation} (from)`}`;
      return target ? `- ${label}: [${short.get(l.id)}](${encodeURI(relative(dirname(rel), target))})` : `- ${label}: ${l.id} (not in this export)`;
    });
    write(rel, `${frontmatter(r)}\n${r.content}\n${links.length > 0 ? `\n## Links\n\n${links.join("\n")}\n` : ""}`);
    if ((i + 1) % 1000 === 0) onProgress?.(i + 1);
  });
  write("README.md", index(records, folders));
  return records.length;
}

/** Every field, in the JSONL export's names; JSON strings are valid YAML scalars, so nothing needs escaping. */
function frontmatter(r: MemoryJson): string {
  const { content: _content, ...fields } = r;
  const lines = Object.entries(fields).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `---\n${lines.join("\n")}\n---\n`;
}

/** A folder per project, named as cairn shows it; two projects shown alike get their key's hash appended. */
function projectFolders(projects: ReadonlyArray<string | null>): Map<string | null, string> {
  const keys = [...new Set(projects)];
  const names = keys.map((k) => safeName(projectLabel(k)));
  return new Map(
    keys.map((k, i) => {
      const clash = names.filter((n) => n === names[i]).length > 1;
      return [k, clash && k !== null ? `${names[i]}-${new Bun.CryptoHasher("sha256").update(k).digest("hex").slice(0, 6)}` : names[i]!];
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
  const words = content.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}]+/gu, " ").trim().split(" ").slice(0, 8);
  return safeName(words.join("-")).slice(0, 48).replace(/-+$/, "") || "memory";
}

function safeName(text: string): string {
  return text.replace(/[^\p{L}\p{N}._-]+/gu, "-").replace(/^[.-]+/, "").slice(0, 64) || "project";
}
