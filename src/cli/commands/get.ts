/** @module `cairn get <id>`: one memory in full, optionally with its change history. */
import { defineCommand } from "citty";
import { memoryToJson } from "../../domain/serialize.ts";
import { toIso } from "../../domain/time.ts";
import { jsonFlag } from "../flags.ts";
import { entryReason, formatDate, formatDetail, linkArrow, memoryLine } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "get", description: "Show one memory by id (the short id shown by list and recall is enough)." },
  args: {
    id: { type: "positional", required: true, description: "memory id: the short form shown by list and recall, the full id, or a unique prefix" },
    history: { type: "boolean", description: "also show every change from the audit log, with old versions" },
    ...jsonFlag,
  },
  async run({ args }) {
    await withEngine(({ engine }) => {
      const memory = engine.get(args.id);
      const entries = args.history ? engine.history(memory.id).entries : undefined;
      if (args.json) {
        return output.json({
          ...memoryToJson(memory),
          links: engine.links(memory.id),
          ...(entries
            ? {
                history: entries.map((e) => ({
                  at: toIso(e.at),
                  actor: e.actor,
                  op: e.op,
                  hash_before: e.hashBefore,
                  hash_after: e.hashAfter,
                  content_before: e.contentBefore,
                  detail: e.detail,
                })),
              }
            : {}),
        });
      }
      const { nodes, edges } = engine.neighbourhood(memory.id, 1);
      const short = engine.shortIds([...nodes.keys()]);
      let text = formatDetail(memory, short.get(memory.id));
      if (edges.length > 0) {
        text += "\n\nLinks:";
        for (const e of edges) {
          const other = nodes.get(e.from === memory.id ? e.to : e.from)!;
          text += `\n  ${linkArrow(e, memory.id)} ${memoryLine(other, short.get(other.id)!)}`;
        }
      }
      if (entries) {
        text += "\n\nHistory:";
        for (const e of entries) {
          const reason = entryReason(e.detail, 200);
          text += `\n  ${formatDate(e.at)}  ${e.op.padEnd(9)} by ${e.actor}${reason ? `  ${reason}` : ""}`;
          if (e.contentBefore !== null) text += `\n    was: ${e.contentBefore.replace(/\n/g, "\n         ")}`;
        }
      }
      output.text(text);
    });
  },
});
