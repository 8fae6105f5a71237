/** @module `cairn forget <id>`: archive a memory (restorable), or purge it everywhere with --hard (asks first). */
import { defineCommand } from "citty";
import { cairnError } from "../../errors.ts";
import { askYesNo, stdinIsTerminal } from "../confirm.ts";
import { jsonFlag } from "../flags.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "forget", description: "Stop recalling a memory. --hard erases its content everywhere (irreversible; asks, or needs --yes)." },
  args: {
    id: { type: "positional", required: true, description: "memory id: the short form shown by list and recall, the full id, or a unique prefix" },
    reason: { type: "string", description: "why (kept in the audit log)", valueHint: "text" },
    hard: { type: "boolean", description: "purge content from the table, index, vectors and audit log" },
    yes: { type: "boolean", alias: "y", description: "with --hard: do not ask for confirmation (needed when stdin is not a terminal)" },
    ...jsonFlag,
  },
  async run({ args }) {
    await withEngine(async ({ engine }) => {
      if (args.hard && !args.yes) {
        const memory = engine.get(args.id, { track: false });
        const short = engine.shortIds([memory.id]).get(memory.id)!;
        if (!(await stdinIsTerminal())) throw cairnError("CONFIRM_HARD_FORGET", [short]);
        const preview = memory.content.replace(/\s+/g, " ").slice(0, 60);
        if (!askYesNo(`Erase memory ${short} ("${preview}${memory.content.length > 60 ? "…" : ""}") for good? This cannot be undone.`)) {
          if (args.json) return output.json({ id: memory.id, status: memory.status, purged: false });
          return output.text("Nothing was deleted.");
        }
      }
      const result = engine.forget(args.id, { reason: args.reason, hard: args.hard });
      const r = result.receipt;
      const receipt = r && { content_hash: r.contentHash, at: new Date(r.at).toISOString(), audit_seq: r.auditSeq, audit_hash: r.auditHash };
      if (args.json) return output.json({ id: result.id, status: result.status, ...(receipt ? { receipt } : {}) });
      const short = engine.shortIds([result.id]).get(result.id);
      output.text(
        result.status === "purged"
          ? `Purged ${short}: its content is gone from every table.\n` +
              `Receipt: memory ${result.id}, content sha256 ${receipt!.content_hash}, erased ${receipt!.at}, ` +
              `audit entry ${receipt!.audit_seq}:${receipt!.audit_hash} (\`cairn audit verify\` proves the log holds it).`
          : `Forgot ${short} (archived). Undo with: cairn restore ${short}`,
      );
    });
  },
});
