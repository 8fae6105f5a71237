/** @module `cairn forget <id>`: archive a memory (restorable), or purge it everywhere with --hard (asks first). */
import { defineCommand } from "citty";
import { cairnError } from "../../errors.ts";
import { askYesNo, stdinIsTerminal } from "../confirm.ts";
import { jsonFlag } from "../flags.ts";
import { pendingWalText } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";
import { storeCopies } from "../../store/store-copies.ts";
import { cutText } from "../../text/cut.ts";

export default defineCommand({
  meta: { name: "forget", description: "Stop recalling a memory. --hard erases its content everywhere (irreversible; asks, or needs --yes)." },
  args: {
    id: { type: "positional", required: true, description: "memory id: the short form shown by list and recall, the full id, or a unique prefix" },
    reason: { type: "string", description: "why (kept in the audit log; with --hard only with --keep-reason)", valueHint: "text" },
    hard: { type: "boolean", description: "purge content from the table, index, vectors, audit log, hook state and summaries quoting it" },
    "keep-reason": { type: "boolean", description: "with --hard: keep the --reason text in the audit log (it may name what was erased)" },
    yes: { type: "boolean", alias: "y", description: "with --hard: do not ask for confirmation (needed when stdin is not a terminal)" },
    ...jsonFlag,
  },
  async run({ args }) {
    // A soft forget keeps its reason anyway: the flag did nothing there, silently (QA).
    if (args["keep-reason"] && !args.hard) throw cairnError("USAGE", ["--keep-reason is for `cairn forget --hard` (a forget without --hard always keeps its --reason); nothing was changed."]);
    await withEngine(async ({ engine, paths }) => {
      if (args.hard && !args.yes) {
        const memory = engine.get(args.id, { track: false });
        const short = engine.shortIds([memory.id]).get(memory.id)!;
        if (!(await stdinIsTerminal())) throw cairnError("CONFIRM_HARD_FORGET", [short]);
        const preview = cutText(memory.content.replace(/\s+/g, " "), 60);
        if (!askYesNo(`Erase memory ${short} ("${preview}${memory.content.length > 60 ? "…" : ""}") for good? This cannot be undone.`)) {
          // Not done is not success: a script must tell it from a purge (QA: exit 0).
          process.exitCode = 1;
          if (args.json) return output.json({ id: memory.id, status: memory.status, purged: false });
          return output.text("Nothing was erased (the answer was not yes).");
        }
      }
      const result = engine.forget(args.id, { reason: args.reason, hard: args.hard, keepReason: args["keep-reason"] });
      const r = result.receipt;
      const receipt = r && { content_hash: r.contentHash, at: new Date(r.at).toISOString(), audit_seq: r.auditSeq, audit_hash: r.auditHash };
      const q = result.quoting;
      const pending = result.pendingWal ? { pending_wal: { other_processes: result.pendingWal.holders, detail: pendingWalText(result.pendingWal.holders) } } : {};
      const current = result.current ?? [];
      // Whole copies of the store beside it (a damaged file kept by a repair, an interrupted encrypt's backup).
      const copies = result.status === "purged" ? storeCopies(paths.dbFile) : [];
      if (args.json) {
        const quoting = q ? { quoting: { rewritten: q.rewritten, purged: q.purged } } : {};
        const purged = receipt ? { sources: result.sources ?? [], copies_left: copies } : {};
        // Complete only when nothing that may hold the text is left: a WAL other processes keep, or a whole copy.
        return output.json({ id: result.id, status: result.status, changed: result.already !== true, current, ...(receipt ? { receipt, ...quoting, ...purged, complete: !result.pendingWal && copies.length === 0, ...pending } : {}) });
      }
      const shorts = engine.shortIds([result.id, ...current]);
      const short = shorts.get(result.id);
      const back = current.length > 0
        ? `\n${current.length === 1 ? "The memory" : "The memories"} it had superseded (${current.map((id) => shorts.get(id)).join(", ")}) ${current.length === 1 ? "is" : "are"} current again; \`cairn forget\` ${current.length === 1 ? "it" : "them"} if out of date too.`
        : "";
      if (result.folded) {
        const into = result.folded.map((c) => engine.shortIds([c]).get(c)).join(", ");
        return output.text(`${short} was archived by the consolidation it is part of (${into}); it is forgotten now too, so \`cairn consolidate --undo\` leaves it archived. \`cairn forget ${short} --hard\` erases it.`);
      }
      if (result.already) return output.text(`${short} was forgotten (archived) already; nothing changed. \`cairn forget ${short} --hard\` erases it.`);
      if (result.status !== "purged") return output.text(`Forgot ${short} (archived). Undo with: cairn restore ${short}${back}`);
      const also = q && q.rewritten.length + q.purged.length > 0
        ? ` ${q.rewritten.length} memor${q.rewritten.length === 1 ? "y that quoted it (a session summary, checkpoint or consolidation) was" : "ies that quoted it (session summaries, checkpoints, consolidations) were"} rewritten without it` +
          (q.purged.length > 0 ? `, ${q.purged.length} with nothing else in ${q.purged.length === 1 ? "it was" : "them were"} purged too` : "") + "."
        : "";
      const sources = result.sources ?? [];
      const built = sources.length > 0
        ? ` The ${sources.length} archived source${sources.length === 1 ? "" : "s"} it was consolidated from (the same text) ${sources.length === 1 ? "was" : "were"} purged with it.`
        : "";
      output.text(
        (result.pendingWal
          ? `Purged ${short} from every table and the hook state, but not yet from disk: ${pendingWalText(result.pendingWal.holders)}.`
          : copies.length > 0
            ? `Purged ${short}: its content is gone from every table, the hook state and the store's own files on disk, not from the copies named below.`
            : `Purged ${short}: its content is gone from every table, the hook state and the files on disk.`) + also + built + "\n" +
          `Receipt: memory ${result.id}, content hash ${receipt!.content_hash} (keyed, as the audit log keeps it), erased ${receipt!.at}, ` +
          `audit entry ${receipt!.audit_seq}:${receipt!.audit_hash} (\`cairn audit verify\` proves the log holds it).${back}` +
          (copies.length > 0 ? `\nNot reached: ${copies.join(", ")} (whole copies of the store kept beside it) may still hold it; delete them once no longer needed.` : ""),
      );
    });
  },
});
