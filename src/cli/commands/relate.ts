/**
 * @module `cairn relate <from> <relation> <to>`: a typed link between two memories; `supersedes` also retires
 * the target; `contradicts` confirms a possible conflict noted on write, and with `--dismiss` dismisses it.
 */
import { defineCommand } from "citty";
import { RELATIONS } from "../../domain/edge.ts";
import { jsonFlag } from "../flags.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "relate", description: `Link two memories: <from> <relation> <to>, read as "from supersedes to" (relations: ${RELATIONS.join(", ")}).` },
  args: {
    from: { type: "positional", required: true, description: "memory id (short form, full id, or a unique prefix)" },
    relation: { type: "positional", required: true, description: RELATIONS.join(", ") },
    to: { type: "positional", required: true, description: "memory id the relation points at" },
    dismiss: { type: "boolean", description: "with contradicts: the possible conflict remember noted between the two is not one (both stay)" },
    ...jsonFlag,
  },
  async run({ args }) {
    await withEngine(({ engine }) => {
      const r = engine.relate(args.from, args.to, args.relation, { dismiss: args.dismiss === true });
      if (args.json) {
        return output.json({ from: r.from, relation: r.relation, to: r.to, status: r.status, superseded: r.superseded, ...(r.settled ? { settled: r.settled } : {}), ...(r.alreadySettled ? { already: true } : {}) });
      }
      const short = engine.shortIds([r.from, r.to]);
      const link = `${short.get(r.from)} ${r.relation} ${short.get(r.to)}`;
      if (r.settled === "not_conflict" && r.alreadySettled) {
        output.text(`The possible conflict between ${short.get(r.from)} and ${short.get(r.to)} was dismissed already; nothing changed.`);
        return;
      }
      if (r.settled === "not_conflict") {
        output.text(`Dismissed the possible conflict between ${short.get(r.from)} and ${short.get(r.to)}: both stay, and recall no longer puts the later one first.`);
        return;
      }
      const lines = [r.status === "created" ? `Linked ${link}.` : `Already linked: ${link}.`];
      // Settled by a supersede, the conflict is resolved, not left standing (QA: "both stay", then "now superseded").
      if (r.settled === "conflict" && r.relation === "supersedes") lines.push("The possible conflict noted on write between them is settled: the newer one is current.");
      else if (r.settled === "conflict") lines.push("The possible conflict noted on write between them is confirmed; both stay (`cairn forget` the one no longer true, or relate the newer one `supersedes` the older).");
      if (r.superseded) lines.push(`${short.get(r.to)} is now superseded: recall leaves it out (\`--include-superseded\` shows it; \`cairn restore ${short.get(r.to)}\` undoes).`);
      output.text(lines.join("\n"));
    });
  },
});
