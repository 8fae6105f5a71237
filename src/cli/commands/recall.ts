/** @module `cairn recall <query>`: the memories most relevant to a query, best first. */
import { defineCommand } from "citty";
import { recallHitToJson } from "../../domain/serialize.ts";
import { parseOptionalTime } from "../../domain/time.ts";
import { RECALL_MODES } from "../../retrieve/channel.ts";
import { abstentionJson, abstentionText, explainJson, explainText, sessionContextJson, sessionContextText } from "../../retrieve/explain.ts";
import { filterFlags, intFlag, jsonFlag, listFlag, positionalText, scopeFlags, scopeFrom } from "../flags.ts";
import { formatMemory } from "../format.ts";
import { output, progress } from "../output.ts";
import { withEngine } from "../session.ts";
import { readStdinText } from "../stdin.ts";

export default defineCommand({
  meta: { name: "recall", description: "Find the memories most relevant to a query (current project + global by default)." },
  args: {
    query: { type: "positional", required: true, description: "what to look for (any text; - reads it from stdin)" },
    limit: { type: "string", description: "maximum number of results (default 10, or config `limit`)", valueHint: "n" },
    mode: { type: "enum", options: [...RECALL_MODES], description: "retrieval channels to use (default: config `mode`)" },
    budget: { type: "string", description: "trim results to about this many tokens", valueHint: "tokens" },
    explain: { type: "boolean", description: "show per result each channel's rank, score and contribution, session and graph lifts" },
    "include-superseded": { type: "boolean", description: "also memories a newer one superseded (marked superseded)" },
    ...filterFlags,
    ...scopeFlags,
    ...jsonFlag,
  },
  async run({ args }) {
    let query = positionalText(args);
    if (query === "-") query = await readStdinText();
    await withEngine(async ({ engine, config }) => {
      const now = Date.now();
      const budget = intFlag("budget", args.budget, config.values.budget, 0);
      const result = await engine.recall({
        query,
        limit: intFlag("limit", args.limit, config.values.limit),
        mode: (args.mode as (typeof RECALL_MODES)[number] | undefined) ?? config.values.mode,
        budget: budget === 0 ? undefined : budget,
        types: listFlag(args.type),
        tags: listFlag(args.tags),
        since: parseOptionalTime(args.since, now),
        until: parseOptionalTime(args.until, now),
        ...scopeFrom(args),
        ...(args["include-superseded"] ? { statuses: ["active", "superseded"] as const } : {}),
      });
      // One line per distinct problem, on stderr, so degraded recall is never silent (stdout stays parseable).
      for (const w of new Set(result.warnings)) progress(`warning: ${w}`);
      if (result.unembedded) progress(`note: ${unembeddedNote(result.unembedded)}`);
      if (args.json) {
        return output.json({
          results: result.results.map((r) => ({
              ...recallHitToJson(r),
              ...(args.explain ? explainJson(r) : {}),
            })),
          abstained: result.abstained,
          ...(args.explain && result.abstention ? { abstention: abstentionJson(result.abstention) } : {}),
          ...(args.explain && result.sessionContext ? { session_context: sessionContextJson(result.sessionContext) } : {}),
          mode: result.mode,
          channels: result.channels,
          ...(result.warnings.length > 0 ? { warnings: [...new Set(result.warnings)] } : {}),
          ...(result.unembedded ? { unembedded: result.unembedded } : {}),
        });
      }
      if (result.results.length === 0) return output.text(result.abstention ? abstentionText(result.abstention) : "No matching memories.");
      const referenced = result.results.flatMap((r) => [r.memory.id, r.updates, r.newerThan, r.duplicateOf, r.linked?.from].filter((id): id is string => id !== undefined));
      const short = engine.shortIds(referenced);
      const hits = result.results.map((r) => {
        const explain = args.explain ? [explainText(r, (id) => short.get(id) ?? id)] : [];
        return formatMemory(r.memory, [`score ${r.score.toFixed(3)}`, ...explain, ...(r.truncated ? ["(cut to budget)"] : [])], short.get(r.memory.id));
      });
      // --explain: whether neighbours joined (a sitting about the query) or not (evidence spread out), once.
      const context = args.explain && result.sessionContext ? [sessionContextText(result.sessionContext)] : [];
      output.text([...context, ...hits].join("\n\n"));
    });
  },
});

/** What a partial semantic search means for the reader, with the exact count. */
function unembeddedNote(n: number): string {
  const them = n === 1 ? "it" : "them";
  return `${n} ${n === 1 ? "memory has" : "memories have"} no vector yet: keyword matches cover ${them}, semantic ones not yet (the background worker embeds ${them}; \`cairn models reembed\` does it now).`;
}
