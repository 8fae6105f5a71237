/** @module `cairn restore <id>`: make an archived or superseded memory active again. */
import { defineCommand } from "citty";
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
      if (already) return output.text(`${short.get(m.id)} is active already; nothing changed.`);
      const again = superseded.length > 0 ? ` It supersedes ${superseded.map((id) => short.get(id)).join(", ")} again (current while it was gone).` : "";
      if (m.status === "superseded") {
        const by = engine.shortIds([m.supersededBy!]).get(m.supersededBy!);
        return output.text(`Restored ${short.get(m.id)} as it was before it was forgotten: superseded by ${by}, which still stands. \`cairn restore ${short.get(m.id)}\` again makes it current.`);
      }
      output.text(`Restored ${short.get(m.id)}; it is active again.${again}`);
    });
  },
});
