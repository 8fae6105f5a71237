/** @module `cairn recall <query>`: the memories most relevant to a query, best first. */
import { defineCommand } from "citty";
import type { LoadedConfig } from "../../config/load.ts";
import { detectProjectKey } from "../../config/project.ts";
import { parseOptionalTime, parseOptionalUntil } from "../../domain/time.ts";
import type { QueryAhead } from "../../embed/query-ahead.ts";
import type { RecallInput } from "../../engine/recall.ts";
import { RECALL_MODES } from "../../retrieve/channel.ts";
import { filterFlags, intFlag, jsonFlag, listFlag, positionalText, scopeFlags, scopeFrom } from "../flags.ts";
import { output, progress } from "../output.ts";
import type { RenderedRecall } from "../recall-output.ts";
import { reranks } from "../../embed/registry.ts";
import { cliActor, loadCliConfig, withEngine } from "../session.ts";
import { homeMissing } from "../../config/paths.ts";
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
    const view = { json: args.json === true, explain: args.explain === true };
    const inputFor = (config: LoadedConfig): RecallInput => {
      const now = Date.now();
      const budget = intFlag("budget", args.budget, config.values.budget, 0);
      return {
        query,
        limit: intFlag("limit", args.limit, config.values.limit),
        mode: (args.mode as (typeof RECALL_MODES)[number] | undefined) ?? config.values.mode,
        budget: budget === 0 ? undefined : budget,
        types: listFlag(args.type),
        tags: listFlag(args.tags),
        since: parseOptionalTime(args.since, now),
        until: parseOptionalUntil(args.until, now),
        ...scopeFrom(args),
        ...(args["include-superseded"] ? { statuses: ["active", "superseded"] as const } : {}),
      };
    };
    // A warm daemon for this data directory answers the whole recall (the database, index and model are
    // loaded there): the same engine code and rendering, so the same output, at a fraction of a cold start.
    // A CAIRN_HOME that does not exist is reported by withEngine first, as before any flag is read.
    const loaded = loadCliConfig();
    const { config, paths } = loaded;
    const input = homeMissing(paths) ? null : inputFor(config);
    const reranking = reranks(paths.dataDir, config.values.reranker);
    if (input && !reranking) {
      const { recallThroughDaemon } = await import("../warm-recall.ts");
      const cwd = process.cwd();
      const rendered = await recallThroughDaemon(paths.dataDir, { input, project: detectProjectKey(cwd), cwd, actor: cliActor(), model: config.values.model, view });
      if (rendered) return print(rendered);
    }
    const queryAhead = input ? await embedAhead(paths.dataDir, config.values.model, input, reranking) : undefined;
    const { renderRecall } = await import("../recall-output.ts");
    const mode = await withEngine(
      async ({ engine }) => {
        const result = await engine.recall(input ?? inputFor(config));
        print(renderRecall(result, view, (ids) => engine.shortIds(ids)));
        return result.mode;
      },
      { loaded, queryAhead },
    ).finally(() => queryAhead?.dispose());
    // Loading the model here took most of this recall: at a terminal, leave a daemon for the next one.
    if (mode !== "keyword") await (await import("../warm-recall.ts")).startDaemonForNextRecall(paths.dataDir);
  },
});

/**
 * Embedding the query is a third of a cold hybrid recall and needs neither the store nor the index: a second
 * thread does it while this one opens the store and searches keywords (embed/query-ahead.ts). Not for a
 * keyword recall, nor when the warm daemon will embed it (a reranking recall, with a daemon running).
 */
async function embedAhead(dataDir: string, model: string, input: RecallInput, reranking: boolean): Promise<QueryAhead | undefined> {
  if (input.mode === "keyword" || (reranking && (await import("../warm-ask.ts")).daemonSocket(dataDir) !== null)) return undefined;
  return (await import("../../embed/query-ahead.ts")).startQueryAhead(dataDir, model, input.query);
}

function print(rendered: RenderedRecall): void {
  for (const note of rendered.notes) progress(note);
  if (rendered.json !== undefined) output.json(rendered.json);
  else output.text(rendered.text ?? "");
}
