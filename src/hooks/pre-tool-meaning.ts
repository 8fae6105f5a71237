/**
 * @module Meaning as evidence before a shell command runs (warm daemon only: it has the model loaded). Past
 * errors and lessons are written in prose around the command ("`Error: UPGRADE FAILED` on deploy; fixed with
 * helm rollback"), so the exact-phrase rule of pre-tool.ts misses them. Here words and meaning must agree: a
 * lesson or error among the few memories of the scope closest in meaning to the command, sharing at least two
 * of its words (program, sub-command, arguments), one past its lead (governing.ts sharesPastLead). Neither
 * alone is enough: the nearest neighbour always exists, and two shared words are common in one project's notes.
 */
import type { Memory } from "../domain/memory.ts";
import type { ChannelHit } from "../retrieve/channel.ts";
import { commandHead } from "./command.ts";
import type { HookContext } from "./context.ts";
import { commandWords, SHARED_WORDS, sharesPastLead } from "./governing.ts";
import { appendHookLog } from "./log.ts";
import { tokens } from "./relevance.ts";

/** How many of the scope's memories closest in meaning are considered. Fitted on inject-a: flat from 3 to 5. */
export const NEAREST = 3;
const TYPES = new Set(["error", "lesson"]);

/** Errors and lessons that both mean nearly what `command` says and share two of its words; [] without a model. */
export async function nearCommand(ctx: HookContext, command: string): Promise<Memory[]> {
  const dense = ctx.dense;
  if (!dense) return [];
  const segment = mainSegment(command);
  // Only words the command itself contains: governing.ts adds words rules use for what it does ("add
  // dependencies" for an install), which say nothing about which error or lesson is about it.
  const literal = new Set(tokens(segment));
  const { words: all, lead } = commandWords(command, ctx.project);
  const words = all.filter((w) => literal.has(w));
  if (segment === "" || words.length < SHARED_WORDS) return [];
  // Ranked among every memory in scope (not only errors and lessons), so "closest" means the same as for
  // recall; straight from the channel: the recall pipeline (fusion, session context) would change nothing here.
  const engine = ctx.engine();
  let hits: ChannelHit[];
  try {
    hits = await dense.search({ text: segment, filter: { scope: { projects: [engine.project], includeGlobal: true } }, now: engine.now(), limit: NEAREST });
  } catch (err) {
    if ((err as { code?: unknown } | null)?.code === "MODEL_UNAVAILABLE") return [];
    throw err;
  }
  const near = hits
    .slice(0, NEAREST)
    .map((h) => h.memory)
    .filter((m) => m.status === "active" && TYPES.has(m.type))
    .filter((m) => {
      const have = new Set(tokens(`${m.content} ${m.tags.join(" ")}`));
      return sharesPastLead(have, words, lead);
    });
  // What the new signal did, for CAIRN_HOOK_DEBUG (ids only: hooks.log never holds memory text).
  if (process.env.CAIRN_HOOK_DEBUG && near.length > 0) {
    appendHookLog(ctx.paths.dataDir, `pre-tool meaning: ${near.map((m) => m.id.slice(0, 8)).join(", ")} among the ${NEAREST} nearest, sharing ${SHARED_WORDS}+ command words`);
  }
  return near;
}

/** The segment of `cd x && cmd` that runs the command's program. */
function mainSegment(command: string): string {
  const head = commandHead(command, 1)[0];
  if (!head) return "";
  return command.split(/&&|\|\||;|\n/).map((s) => s.trim()).find((s) => s.includes(head)) ?? "";
}
