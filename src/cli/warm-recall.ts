/**
 * @module A one-shot `cairn recall` answered by the warm hook daemon when one runs for this data directory
 * (hooks/warm/recall-service.ts): the daemon has the database and the index open and the model loaded,
 * and prints what this process would (the same engine code and rendering), so the command costs its start
 * and a socket round trip. Not asked when recall would rerank (the daemon loads no reranker). With no
 * daemon, CAIRN_HOOK_DAEMON=off, another build, an error or a late reply, the command recalls itself, as
 * before (and reports any error the usual way). Output is identical either way (test/e2e/recall-warm.test.ts).
 */
import { log } from "../log.ts";
import { socketPath, warmEnabled } from "../hooks/warm/protocol.ts";
import type { RecallReply, RecallRequest } from "../hooks/warm/recall-service.ts";
import type { RenderedRecall } from "./recall-output.ts";
import { askDaemon, daemonSocket } from "./warm-ask.ts";

/** The daemon may load the model for the first question (~0.5 s, more on a loaded machine). */
const DEADLINES = { connectMs: 250, sentMs: 500, replyMs: 4000 };

/**
 * After a recall this process made itself at a terminal (a person typing, not an agent or a script: those
 * run with hooks, which start the daemon, or want no background process), starts the daemon so the next
 * one is answered warm. It exits after 15 quiet minutes; CAIRN_HOOK_DAEMON=off keeps it from starting.
 */
export async function startDaemonForNextRecall(dataDir: string): Promise<void> {
  const sock = warmEnabled() ? socketPath(dataDir) : null;
  if (!sock || !process.stdout.isTTY || daemonSocket(dataDir)) return;
  const { launchDaemon } = await import("../hooks/warm/launch.ts");
  if (launchDaemon(dataDir)) log.debug("started the hook daemon for the next recall");
}

/** What the daemon printed for `request`, or null when this process should recall itself. */
export async function recallThroughDaemon(dataDir: string, request: RecallRequest): Promise<RenderedRecall | null> {
  const sock = daemonSocket(dataDir);
  const reply = sock ? await askDaemon<RecallReply>(sock, { recall: request }, DEADLINES, "recall", request.cwd) : null;
  if (!reply) return null;
  log.debug("recall answered by the hook daemon");
  return reply.rendered;
}
