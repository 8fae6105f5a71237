/** @module `cairn restore <id>`: make an archived or superseded memory active again. */
import { defineCommand } from "citty";
import type { Memory } from "../../domain/memory.ts";
import type { Engine } from "../../engine/engine.ts";
import { formatDate } from "../format.ts";
import { jsonFlag } from "../flags.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

export default defineCommand({
  meta: { name: "restore", description: "Bring back a memory that was forgotten (archived) or superseded." },
  args: {
    id: { type: "positional", required: true, description: "memory id: the short form shown by list and recall, the full id, or a unique prefix" },
    ...jsonFlag,
  },
  async run({ args }) {
    await withEngine(({ engine }) => {
      const { memory: m, already, superseded } = engine.restore(args.id);
      if (args.json) return output.json({ id: m.id, status: m.status, changed: !already, superseded });
      const short = engine.shortIds([m.id, ...superseded]);
      if (already) return output.text(alreadyActive(engine, m, short.get(m.id)!));
      const again = superseded.length > 0 ? ` It supersedes ${superseded.map((id) => short.get(id)).join(", ")} again (current while it was gone).` : "";
      if (m.status === "superseded") {
        const by = engine.shortIds([m.supersededBy!]).get(m.supersededBy!);
        return output.text(`Restored ${short.get(m.id)} as it was before it was forgotten: superseded by ${by}, which still stands. \`cairn restore ${short.get(m.id)}\` again makes it current.`);
      }
      output.text(`Restored ${short.get(m.id)}; it is active again.${again}`);
    });
  },
});

/**
 * What "active already" means for a memory past its lifetime: recall leaves it out, and a retention rule's sweep
 * purges it unless kept (QA: restore said "active already" of a memory about to be purged, and no more).
 */
function alreadyActive(engine: Engine, m: Memory, short: string): string {
  if (m.expiresAt === null || m.expiresAt > engine.now()) return `${short} is active already; nothing changed.`;
  const mark = engine.retentionMark(m.id);
  if (!mark) return `${short} is active, but past its lifetime since ${formatDate(m.expiresAt)}: recall leaves it out (\`cairn get ${short}\` shows it). Nothing changed.`;
  const purge = mark.rule ? ` and the sweep purges it after ${formatDate(mark.expiredAt + mark.rule.graceMs)}` : "";
  return (
    `${short} is active, but retention rule ${mark.ruleId} expired it on ${formatDate(mark.expiredAt)}: recall leaves it out${purge}. ` +
    `To keep it, place a hold (\`cairn hold add --id ${short} --reason <why>\`), or change what the rule covers (\`cairn retention set\`, its tags): ` +
    "the next sweep brings back what no rule holds past retention. Nothing changed."
  );
}
