/**
 * @module `cairn export`: every memory as JSONL (the format `cairn import` reads back losslessly), or as a
 * folder of Markdown files for people (markdown-export.ts).
 */
import { defineCommand } from "citty";
import { cairnError } from "../../errors.ts";
import { openExportFile } from "../export-file.ts";
import { letSignalsIn } from "../interrupt.ts";
import { realpathSync, statSync } from "node:fs";
import { dirname, sep } from "node:path";
import { keyFilePath } from "../../keys/key-file.ts";
import { jsonFlag, scopeFlags, scopeFrom, statusFlag } from "../flags.ts";
import { exportMarkdown } from "../markdown-export.ts";
import { output, progress } from "../output.ts";
import { withEngine } from "../session.ts";
import type { Engine } from "../../engine/engine.ts";

export default defineCommand({
  meta: {
    name: "export",
    description: "Export memories as JSONL to stdout or --output, or as Markdown files into a folder: every project and every status unless narrowed.",
  },
  args: {
    format: { type: "enum", options: ["jsonl", "markdown"], default: "jsonl", description: "jsonl (reads back with import) or markdown (a folder for people)" },
    output: { type: "string", alias: "out", description: "jsonl: write to this file (mode 0600; replaced only once the export is complete) instead of stdout (- is stdout); markdown: the new or empty folder", valueHint: "path" },
    status: { type: "string", description: "only these statuses (comma-separated)", valueHint: "status" },
    project: { ...scopeFlags.project, description: "only this project and the global scope (a directory or a name)" },
    global: { ...scopeFlags.global, description: "only the global scope" },
    "all-projects": scopeFlags["all-projects"],
    ...jsonFlag,
  },
  async run({ args }) {
    const scope = scopeFrom(args);
    // "-" is stdout, as for import's stdin: it once wrote a file named "-" in the working directory.
    const out = args.output === "-" ? undefined : args.output;
    if (args.format === "markdown" && !out) throw cairnError("USAGE", ["Markdown export writes a folder: give it with --out <dir>."]);
    await withEngine(async ({ engine, paths }) => {
      if (out) refuseOwnFile(out, [paths.dataDir, dirname(paths.configFile), dirname(keyFilePath("-"))]);
      notLeavingWith(engine);
      const records = engine.export(Object.keys(scope).length > 0 ? scope : { allProjects: true }, {
        ...(args.status ? { statuses: statusFlag(args.status) } : {}),
      });
      if (args.format === "markdown") {
        const dir = out!;
        const count = await exportMarkdown({ records, links: (id) => engine.links(id), shortIds: (ids) => engine.shortIds(ids) }, dir, (n) =>
          progress(`export: ${n} memories written`),
        );
        if (args.json) return output.json({ exported: count, folder: dir, format: "markdown" });
        return output.text(`Exported ${memories(count)} as Markdown into ${dir} (start with README.md).`);
      }
      const file = out ? openExportFile(out) : null;
      const write = async (chunk: string) => (file === null ? await output.raw(chunk) : file.write(chunk));
      let count = 0;
      try {
        let buffer = "";
        for (const record of records) {
          buffer += `${JSON.stringify(record)}\n`;
          if (++count % 1000 === 0) {
            await write(buffer);
            buffer = "";
            // Ctrl-C or SIGTERM is handled here, not once the export is over: the temporary file goes with it.
            await letSignalsIn();
          }
        }
        await write(buffer);
        file?.commit();
      } catch (err) {
        // A failed export never replaces the file that was there: only the temporary one goes.
        file?.abort();
        throw err;
      }
      if (file !== null) {
        if (args.json) output.json({ exported: count, file: out });
        else output.text(`Exported ${memories(count)} to ${out}.`);
      } else {
        progress(`export: ${memories(count)}`);
      }
    });
  },
});

/**
 * An export never replaces one of cairn's own files: `--output $CAIRN_HOME/cairn.db` (or a link to it) turned
 * the database into JSONL, `--output …/audit.key` replaced the audit key. Existing files in the data, config
 * and key folders are refused; a new file there is the user's choice.
 */
function refuseOwnFile(target: string, folders: readonly string[]): void {
  let real: string;
  try {
    if (!statSync(target).isFile()) return;
    real = realpathSync(target);
  } catch {
    return; // nothing there yet
  }
  const own = folders.map((f) => {
    try {
      return realpathSync(f);
    } catch {
      return f;
    }
  });
  if (own.some((f) => real === f || real.startsWith(`${f}${sep}`))) {
    throw cairnError("EXPORT_FILE", [target, `it is one of cairn's own files (${real}), which an export never replaces; give a path outside ${[...new Set(own)].join(", ")}`]);
  }
}

const memories = (n: number) => `${n} ${n === 1 ? "memory" : "memories"}`;

/**
 * What an export does not carry, said on stderr before it starts (QA: a store under a litigation hold restored
 * from an export had lost its holds unnoticed; an encrypted store's export is plain text).
 */
function notLeavingWith(engine: Engine): void {
  const holds = engine.holds().length;
  const rules = engine.retentionRules().length;
  if (holds + rules > 0) {
    const what = [holds > 0 ? `${holds} legal ${holds === 1 ? "hold" : "holds"} in force` : "", rules > 0 ? `${rules} retention ${rules === 1 ? "rule" : "rules"}` : ""].filter(Boolean).join(" and ");
    progress(`export: not in the export: this store's ${what} (\`cairn hold list\`, \`cairn retention show\`); place them again where it is imported.`);
  }
  if (engine.store.codec.encrypted) progress("export: this store is encrypted; the export is plain text. Keep it where the memories may be read, or delete it when done.");
}
