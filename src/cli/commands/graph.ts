/** @module `cairn graph <id>`: a memory's neighbourhood over its typed links, as a text tree or `--json`. */
import { defineCommand } from "citty";
import { cairnError } from "../../errors.ts";
import type { Memory } from "../../domain/memory.ts";
import { neighbourhoodJson } from "../../engine/neighbourhood.ts";
import { intFlag, jsonFlag } from "../flags.ts";
import { linkArrow, memoryLine } from "../format.ts";
import { output } from "../output.ts";
import { withEngine } from "../session.ts";

/** More hops than this rarely helps a reader and can reach most of a well-linked store. */
const MAX_DEPTH = 4;

export default defineCommand({
  meta: { name: "graph", description: "Show a memory and what it is linked to (supersedes, fixes, depends_on …), hop by hop." },
  args: {
    id: { type: "positional", required: true, description: "the memory (a short id, prefix or full id)" },
    depth: { type: "string", description: `hops to follow (1–${MAX_DEPTH}, default 2)`, valueHint: "n" },
    ...jsonFlag,
  },
  async run({ args }) {
    const depth = intFlag("depth", args.depth, 2, 0);
    if (depth < 1 || depth > MAX_DEPTH) throw cairnError("BAD_NUMBER", ["depth", String(args.depth), ` from 1 to ${MAX_DEPTH}`]);
    await withEngine(({ engine }) => {
      const hood = engine.neighbourhood(args.id, depth);
      const { root, nodes, edges } = hood;
      if (args.json) return output.json(neighbourhoodJson(hood));
      const short = engine.shortIds([...nodes.keys()]);
      const line = (m: Memory) => memoryLine(m, short.get(m.id)!);
      const lines = [line(root)];
      const seen = new Set([root.id]);
      const walk = (id: string, prefix: string, level: number) => {
        if (level >= depth) return;
        const out = edges.filter((e) => e.from === id || e.to === id).filter((e) => !seen.has(e.from === id ? e.to : e.from));
        out.forEach((e, i) => {
          const other = e.from === id ? e.to : e.from;
          seen.add(other);
          const last = i === out.length - 1;
          lines.push(`${prefix}${last ? "└─" : "├─"} ${linkArrow(e, id)} ${line(nodes.get(other)!)}`);
          walk(other, `${prefix}${last ? "   " : "│  "}`, level + 1);
        });
      };
      walk(root.id, "", 0);
      if (edges.length === 0) lines.push("(no links)");
      output.text(lines.join("\n"));
    });
  },
});
