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
      const m = engine.restore(args.id);
      if (args.json) return output.json({ id: m.id, status: m.status });
      output.text(`Restored ${engine.shortIds([m.id]).get(m.id)}; it is active again.`);
    });
  },
});
