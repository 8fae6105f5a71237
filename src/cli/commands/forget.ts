/** @module `cairn forget <id>`: archive a memory (restorable), or purge it everywhere with --hard. */
import { defineCommand } from "citty";
import { jsonFlag } from "../flags.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "forget", description: "Stop recalling a memory. --hard erases its content everywhere (irreversible)." },
  args: {
    id: { type: "positional", required: true, description: "memory id or unique prefix" },
    reason: { type: "string", description: "why (kept in the audit log)", valueHint: "text" },
    hard: { type: "boolean", description: "purge content from the table, index, vectors and audit log" },
    ...jsonFlag,
  },
  async run({ args }) {
    await withEngine(({ engine }) => {
      const result = engine.forget(args.id, { reason: args.reason, hard: args.hard });
      if (args.json) return output.json(result);
      output.text(
        result.status === "purged"
          ? `Purged ${result.id}: its content is gone from every table.`
          : `Forgot ${result.id} (archived). Undo with: cairn restore ${result.id}`,
      );
    });
  },
});
