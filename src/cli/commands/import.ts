/**
 * @module `cairn import <file.jsonl|->`: all-or-nothing import of JSONL memories, with progress on stderr; and
 * `cairn import --from <format> <path>`: memories from another memory tool (see src/import-formats/).
 */
import { join } from "node:path";
import { defineCommand } from "citty";
import { CairnError, cairnError, describeError } from "../../errors.ts";
import { jsonFlag } from "../flags.ts";
import { output, progress } from "../output.ts";
import { type CliSession, withEngine } from "../session.ts";
import { type LineFile, openLines } from "../jsonl-lines.ts";
import { isMarkdownExport, markdownExportLines } from "../markdown-import.ts";
import { existsSync, statSync } from "node:fs";
import type { ImportReport } from "../../engine/import.ts";
import { MAX_IMPORT_LINE_BYTES, type RawLine } from "../../engine/import-parse.ts";
import { embedPending } from "../../retrieve/embed-pending.ts";
import { openModelEmbedder } from "../retrieval.ts";
import { runPeerImport } from "../peer-import-command.ts";
import { startEmbedWorker } from "../../embed-worker.ts";

export default defineCommand({
  meta: {
    name: "import",
    description:
      "Import JSONL, one memory per line: {content, type?, tags?, event_time?, project?, metadata?} (or what `cairn export` writes); or, with --from, another memory tool's data (mcp-memory, agent-rules, mem0, basic-memory, omega). A bad line or record stops the import before anything is written.",
  },
  args: {
    file: { type: "positional", required: true, description: "a .jsonl file, - for stdin, or a folder `cairn export --format markdown` wrote; with --from, the peer's file or folder" },
    from: { type: "string", description: "read another tool's format: mcp-memory, agent-rules, mem0, basic-memory, omega", valueHint: "format" },
    "dry-run": { type: "boolean", description: "with --from: show what would be created and what is already there, and write nothing" },
    project: {
      type: "string",
      description: "with --from: put every memory in this project (name, directory or git remote); default: the repository for agent-rules, global for the other formats, OMEGA's own project for omega",
      valueHint: "name|dir",
    },
    global: { type: "boolean", description: "with --from: put every memory in the global scope" },
    quiet: { type: "boolean", description: "no progress on stderr" },
    "restore-erased": { type: "boolean", description: "also import lines holding memories this store erased (forget --hard, a retention purge); by default they are left out" },
    // citty reads --no-embed as embed=false.
    embed: { type: "boolean", default: true, description: "embed before returning (--no-embed: return once written; the background worker embeds)" },
    ...jsonFlag,
  },
  async run({ args }) {
    if (args.from !== undefined) {
      return runPeerImport(args, embedImported);
    }
    if (args["dry-run"] || args.project !== undefined || args.global) {
      throw cairnError("USAGE", ["--dry-run, --project and --global go with --from <format>; a cairn JSONL file carries its own projects."]);
    }
    let file: LineFile;
    try {
      file = folderLines(args.file) ?? openLines(args.file, MAX_IMPORT_LINE_BYTES);
    } catch (err) {
      if (err instanceof CairnError) throw err;
      throw cairnError("IMPORT_READ", [args.file, describeError(err)], err);
    }
    await withEngine(async (session) => {
      const { engine } = session;
      const started = performance.now();
      let shown = 0;
      let report: ImportReport;
      try {
        report = await engine.import(readingLines(args.file, file), (done) => {
          // About one line a second: a 1M-line import would otherwise print a thousand.
          if (args.quiet || performance.now() - shown < 1000) return;
          shown = performance.now();
          // The reader runs ahead of the writer: what share of the file it has read, not how much is written.
          const read = file.size ? `, ${Math.floor((100 * file.bytesRead) / file.size)}% of the file read` : "";
          progress(`import: ${done} lines written${read}, ${Math.round(done / ((shown - started) / 1000))}/s`);
        }, { restoreErased: args["restore-erased"] === true });
      } catch (err) {
        // The line's number names the file it is in (QA: the error did not say which file); a folder's line is a file of it.
        const where = args.file === "-" ? "standard input" : args.file;
        if (!(err instanceof CairnError && err.code === "BAD_IMPORT_LINE")) throw err;
        const source = file.sources?.[Number(err.args[0]) - 1];
        throw source !== undefined ? cairnError("BAD_IMPORT_FILE", [join(where, source), err.args[1]!], err) : cairnError("BAD_IMPORT_LINE", [...err.args.slice(0, 2), ` of ${where}`], err);
      } finally {
        file.close();
      }
      if (!args.quiet) progress(`import: ${report.lines} lines read and committed (${report.created} new, ${report.duplicates} already known)`);
      // Recall right after an import should cover it, so the vectors are made here (long work, with progress).
      const vectors = args.embed === false ? null : await embedImported(session, Boolean(args.quiet));
      // The index files (vectors, keywords) are written in the background now, not by the next command's worker:
      // until then a first recall after a 100k import read every vector from the database (279 ms, not 72; QA).
      if (vectors && !vectors.error && report.created > 0) startEmbedWorker(session.paths.dataDir);
      const seconds = (performance.now() - started) / 1000;
      const { linksExisting, ...counts } = report;
      if (args.json) return output.json({ ...counts, links_existing: linksExisting, ...(vectors ? { vectors } : {}), seconds: Math.round(seconds * 1000) / 1000 });
      const made = report.links - linksExisting;
      const linked = linksExisting === 0 ? `${made} restored` : made === 0 ? `${linksExisting} already there` : `${made} restored, ${linksExisting} already there`;
      output.text(
        `Imported ${report.lines} ${report.lines === 1 ? "line" : "lines"} in ${seconds.toFixed(2)} s: ${report.created} new, ${report.duplicates} already known.` +
          (report.links + report.unlinked > 0 ? ` Links: ${linked}${report.unlinked > 0 ? `, ${report.unlinked} not made (their target is in neither the file nor the store)` : ""}.` : "") +
          (report.orphans > 0
            ? ` ${report.orphans} superseded ${report.orphans === 1 ? "memory names a successor" : "memories name successors"} in neither the file nor the store: kept superseded (\`cairn restore <id>\` makes one current).`
            : "") +
          (report.erased > 0
            ? ` ${report.erased} ${report.erased === 1 ? "line holds a memory" : "lines hold memories"} this store erased (forget --hard, a retention purge): left out (\`--restore-erased\` imports them).`
            : "") +
          (vectors?.error ? ` Vectors: not made (${vectors.error}); recall finds them by keyword until \`cairn models reembed\` succeeds.` : ""),
      );
    }, { create: true });
  },
});

/**
 * A folder's memories as lines: what `cairn export --format markdown` wrote comes back (markdown-import.ts); any
 * other folder is refused with what to give instead (QA: a raw EISDIR). Null for a file or stdin.
 */
function folderLines(path: string): LineFile | null {
  if (path === "-" || !existsSync(path) || !statSync(path).isDirectory()) return null;
  if (!isMarkdownExport(path)) {
    throw cairnError("IMPORT_READ", [path, "it is a folder. Give a JSONL file (`cairn export`), a folder `cairn export --format markdown` wrote, or another tool's folder with --from <format>"]);
  }
  const { lines, files } = markdownExportLines(path);
  return { lines, size: null, bytesRead: 0, close: () => {}, sources: files };
}

/** The file's lines; a read failing midway is IMPORT_READ, like one failing at the start. */
function* readingLines(path: string, file: LineFile): Generator<RawLine> {
  const it = file.lines[Symbol.iterator]();
  for (;;) {
    let next: IteratorResult<RawLine>;
    try {
      next = it.next();
    } catch (err) {
      throw cairnError("IMPORT_READ", [path, describeError(err)], err);
    }
    if (next.done) return;
    yield next.value;
  }
}

export type Vectors = { embedded: number; remaining: number; error?: string };

/** Vectors for what the import wrote, before returning (a bulk session: every core), with progress. */
async function embedImported({ engine, config, paths }: CliSession, quiet: boolean): Promise<Vectors> {
  let shown = 0;
  try {
    const embedder = await openModelEmbedder(paths.dataDir, config.values.model, { bulk: true });
    try {
      return await embedPending(engine.store, embedder, {
        oldestFirst: true,
        onProgress: ({ done, total }) => {
          if (quiet || (done < total && performance.now() - shown < 1000)) return;
          shown = performance.now();
          progress(`import: embedded ${done}/${total}`);
        },
      });
    } finally {
      await embedder.dispose();
    }
  } catch (err) {
    return { embedded: 0, remaining: -1, error: rekeyedMeanwhile(engine) ?? describeError(err) };
  }
}

/**
 * When another process re-encoded the store during the import (a `key rotate` waits for it, then runs), rows
 * read under the old key fail their integrity check: the cause to report is the re-keying (KEY_CHANGED), not a
 * damaged row to restore or erase.
 */
export function rekeyedMeanwhile(engine: Pick<CliSession["engine"], "stats">): string | null {
  try {
    engine.stats();
    return null;
  } catch (err) {
    if (!(err instanceof CairnError && err.code === "KEY_CHANGED")) return null;
    return `another cairn process ${String(err.args[1])} the store meanwhile (the imported memories are stored and intact)`;
  }
}
