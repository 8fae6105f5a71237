/** @module `cairn export`: every memory as JSONL (the format `cairn import` reads back losslessly). */
import { defineCommand } from "citty";
import { closeSync, openSync, writeSync } from "node:fs";
import { jsonFlag, scopeFlags, scopeFrom, statusFlag } from "../flags.ts";
import { output, progress } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "export", description: "Export memories as JSONL to stdout or --output: every project and every status unless narrowed." },
  args: {
    output: { type: "string", description: "write to this file (created with mode 0600) instead of stdout", valueHint: "file" },
    status: { type: "string", description: "only these statuses (comma-separated)", valueHint: "status" },
    project: { ...scopeFlags.project, description: "only this project and the global scope (a directory or a name)" },
    global: { ...scopeFlags.global, description: "only the global scope" },
    "all-projects": scopeFlags["all-projects"],
    ...jsonFlag,
  },
  async run({ args }) {
    const scope = scopeFrom(args);
    await withEngine(async ({ engine }) => {
      const records = engine.export(Object.keys(scope).length > 0 ? scope : { allProjects: true }, {
        ...(args.status ? { statuses: statusFlag(args.status) } : {}),
      });
      const fd = args.output ? openSync(args.output, "w", 0o600) : null;
      const write = async (chunk: string) => (fd === null ? await output.raw(chunk) : writeSync(fd, chunk));
      let count = 0;
      let buffer = "";
      for (const record of records) {
        buffer += `${JSON.stringify(record)}\n`;
        if (++count % 1000 === 0) {
          await write(buffer);
          buffer = "";
        }
      }
      await write(buffer);
      if (fd !== null) {
        closeSync(fd);
        if (args.json) output.json({ exported: count, file: args.output });
        else output.text(`Exported ${count} memories to ${args.output}.`);
      } else {
        progress(`export: ${count} memories`);
      }
    });
  },
});
