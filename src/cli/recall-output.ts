/**
 * @module What `cairn recall` prints for a result: the `--json` object or the text, plus the notes for
 * stderr. Pure over the result, so the recall command and the warm daemon answering for it
 * (hooks/warm/recall-service.ts) print the same bytes.
 */
import { recallHitToJson } from "../domain/serialize.ts";
import type { RecallResult } from "../engine/recall.ts";
import { abstentionJson, abstentionText, explainJson, explainText, sessionContextJson, sessionContextText } from "../retrieve/explain.ts";
import { formatMemory } from "./format.ts";

export interface RecallView {
  json: boolean;
  explain: boolean;
}

/** One of `json` (printed as --json prints) or `text`, and the lines for stderr. */
export interface RenderedRecall {
  notes: string[];
  json?: unknown;
  text?: string;
}

/** `shortIds` gives the short form of memory ids (text output names the memories a result refers to). */
export function renderRecall(result: RecallResult, view: RecallView, shortIds: (ids: string[]) => ReadonlyMap<string, string>): RenderedRecall {
  // One line per distinct problem, on stderr, so degraded recall is never silent (stdout stays parseable).
  const notes = [...new Set(result.warnings)].map((w) => `warning: ${w}`);
  if (result.unembedded) notes.push(`note: ${unembeddedNote(result.unembedded)}`);
  const { explain } = view;
  if (view.json) {
    return {
      notes,
      json: {
        results: result.results.map((r) => ({ ...recallHitToJson(r), ...(explain ? explainJson(r) : {}) })),
        abstained: result.abstained,
        ...(explain && result.abstention ? { abstention: abstentionJson(result.abstention) } : {}),
        ...(explain && result.sessionContext ? { session_context: sessionContextJson(result.sessionContext) } : {}),
        mode: result.mode,
        channels: result.channels,
        ...(result.warnings.length > 0 ? { warnings: [...new Set(result.warnings)] } : {}),
        ...(result.unembedded ? { unembedded: result.unembedded } : {}),
      },
    };
  }
  if (result.results.length === 0) return { notes, text: result.abstention ? abstentionText(result.abstention) : "No matching memories." };
  const referenced = result.results.flatMap((r) => [r.memory.id, r.updates, r.newerThan, r.flaggedAgainst, r.inPlaceOf, r.duplicateOf, r.linked?.from].filter((id): id is string => id !== undefined));
  const short = shortIds(referenced);
  const hits = result.results.map((r) => {
    const lines = explain ? [explainText(r, (id) => short.get(id) ?? id)] : [];
    return formatMemory(r.memory, [`score ${r.score.toFixed(3)}`, ...lines, ...(r.truncated ? ["(cut to budget)"] : [])], short.get(r.memory.id));
  });
  // --explain: whether neighbours joined (a sitting about the query) or not (evidence spread out), once.
  const context = explain && result.sessionContext ? [sessionContextText(result.sessionContext)] : [];
  return { notes, text: [...context, ...hits].join("\n\n") };
}

/** What a partial semantic search means for the reader, with the exact count. */
function unembeddedNote(n: number): string {
  const them = n === 1 ? "it" : "them";
  // With the worker off (CAIRN_EMBED_WORKER=off) nothing embeds them in the background.
  const who = process.env.CAIRN_EMBED_WORKER === "off" ? "the background worker is off" : `the background worker embeds ${them}`;
  return `${n} ${n === 1 ? "memory has" : "memories have"} no vector yet: keyword matches cover ${them}, semantic ones not yet (${who}; \`cairn models reembed\` does it now).`;
}
