/**
 * @module `--from agent-rules`: the instructions a repository gives coding agents — CLAUDE.md, AGENTS.md (at
 * the root and in its folders), .cursor/rules/*.mdc (frontmatter `description`, `globs`, `alwaysApply` +
 * markdown body) and .github/copilot-instructions.md (rule-files.ts finds them) — split per bullet or
 * paragraph into memories of the repository's project.
 * Rules (always, never, must, don't, avoid, use …) become decisions, stated likings (prefer, rather than,
 * instead of) preferences, anything else facts; each is tagged with its file's name.
 */
import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { detectProject } from "../config/project.ts";
import { notReadable } from "./folder-files.ts";
import { splitFrontmatter } from "./frontmatter.ts";
import { markdownItems } from "./markdown-items.ts";
import { badRecord, isDirectory, readText } from "./read-source.ts";
import { isRuleFilePath, MAX_FOLDERS, relativePath, repositoryRuleFiles, ROOT_FILES } from "./rule-files.ts";
import { stableId } from "./stable-id.ts";
import type { Adapter, AdapterOptions, PeerBatch, PeerSkip } from "./types.ts";

const FORMAT = "agent-rules";
const PREFERENCE = /\b(prefer|prefers|preferred|preferably|rather than|instead of|favou?r)\b/i;
const RULE = /\b(always|never|must|mustn't|do not|don't|dont|avoid|should|shouldn't|shall|only)\b|^\W*(use|keep|make sure|ensure|no)\b/i;

export const adapter: Adapter = { read };

/** The type a rule file's statement gets (exported for its tests). */
export function classify(text: string): "preference" | "decision" | "fact" {
  // A code block or table on its own is reference material, whatever words it contains.
  if (/^(```|~~~|\|)/.test(text)) return "fact";
  if (PREFERENCE.test(text)) return "preference";
  return RULE.test(text) ? "decision" : "fact";
}

function read(path: string, opts: AdapterOptions): PeerBatch {
  const { root, within, files, whole, truncated, left } = ruleFiles(path);
  const project = opts.project === undefined ? opts.projectOfDir(root) : opts.project;
  const rels = files.map((file) => relativePath(root, file) || basename(file));
  // The files say what their rules are now: a rule imported before that they no longer hold is retired (QA M1:
  // an edited rule stayed active beside its new wording). A repository read whole covers its rule files that
  // are gone too.
  const readNow = new Set(rels);
  // Within what was read: a folder of a repository covers its own rule files only, named from the repository's
  // root as a whole import names them (QA: importing pkg/api archived the root CLAUDE.md's rules, its
  // "CLAUDE.md" being pkg/api's too).
  const below = within === "" ? "" : `${within}/`;
  const gone = (file: string) => file.startsWith(below) && isRuleFilePath(file) && !existsSync(join(root, file));
  const covers = whole ? (file: string) => readNow.has(file) || gone(file) : (file: string) => readNow.has(file);
  const batch: PeerBatch = { records: [], links: [], skipped: [...left], whole: { format: FORMAT, project, tag: FORMAT, covers } };
  if (truncated) batch.skipped.push({ where: root, reason: `rule files in folders past the first ${MAX_FOLDERS.toLocaleString("en-US")} searched (import such a file on its own)` });
  const seen = new Map<string, string>();
  for (const [i, file] of files.entries()) {
    const rel = rels[i]!;
    const parsed = splitFrontmatter(readText(file));
    if ("error" in parsed) throw badRecord(file, "line 1", parsed.error);
    const rule = file.endsWith(".mdc") ? cursorRule(parsed.data) : undefined;
    for (const item of markdownItems(parsed.body, parsed.lines)) {
      const where = `${rel} line ${item.line}`;
      const id = stableId(FORMAT, `${project ?? ""}\u0000${rel}\u0000${item.text}`);
      const earlier = seen.get(id);
      if (earlier !== undefined) {
        batch.skipped.push({ where, reason: `repeats ${earlier}` });
        continue;
      }
      seen.set(id, where);
      batch.records.push({
        id,
        content: item.text,
        type: classify(item.text),
        tags: [FORMAT, basename(file).toLowerCase()],
        project,
        metadata: {
          source_format: FORMAT,
          file: rel,
          ...(item.section.length > 0 ? { section: item.section.join(" > ") } : {}),
          ...(rule ? { cursor_rule: rule } : {}),
        },
        source: rel,
        where,
      });
    }
  }
  return batch;
}

/**
 * The files to read: the one given, or every known rule file of a directory. `root`: the repository's root (the
 * nearest folder holding `.git`, else the directory or the file's folder), which files are named from;
 * `within`: the folder read, relative to it ("" for the root).
 */
function ruleFiles(path: string): { root: string; within: string; files: string[]; whole: boolean; truncated: boolean; left: PeerSkip[] } {
  if (!isDirectory(path)) {
    // A memory.jsonl or a mem0 export given here was stored whole as one fact (QA): a rule file is markdown.
    if (!/\.(md|mdc|markdown)$/i.test(path)) throw badRecord(path, "the file", "it is not a rule file (CLAUDE.md, AGENTS.md, a .cursor/rules .mdc or any .md); for another tool's export give its --from format");
    const root = detectProject(dirname(path));
    // Named alone, a rule file that links out of its repository is left out as in a whole import (QA).
    const why = notReadable(root, path);
    const left: PeerSkip[] = why === null ? [] : [{ where: relativePath(root, path) || basename(path), reason: why }];
    return { root, within: relativePath(root, dirname(path)), files: why === null ? [path] : [], whole: false, truncated: false, left };
  }
  const { files, truncated } = repositoryRuleFiles(path);
  if (files.length === 0) {
    throw badRecord(path, "the directory", `it holds none of ${ROOT_FILES.join(", ")}, .cursor/rules/*.mdc (nor CLAUDE.md or AGENTS.md in its folders); give the repository's root or one rule file`);
  }
  const root = detectProject(path);
  // A repository is someone else's files: a rule file that is a link out of the folder given (AGENTS.md ->
  // ~/.ssh/config) is left out unread, and said (QA: the file went into memory and every session's briefing).
  const left: PeerSkip[] = [];
  const readable = files.filter((file) => {
    const why = notReadable(path, file);
    if (why !== null) left.push({ where: relativePath(root, file), reason: why });
    return why === null;
  });
  return { root, within: relativePath(root, resolve(path)), files: readable, whole: true, truncated, left };
}


function cursorRule(data: Record<string, string | string[]>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (data.description) out.description = data.description;
  if (data.globs) out.globs = typeof data.globs === "string" ? data.globs.split(",").map((g) => g.trim()).filter(Boolean) : data.globs;
  if (data.alwaysApply !== undefined) out.always_apply = String(data.alwaysApply) === "true";
  return Object.keys(out).length > 0 ? out : undefined;
}
