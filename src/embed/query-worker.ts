/**
 * @module The thread that embeds a one-shot recall's query ahead (started by query-ahead.ts, bundled as its own
 * entry point by scripts/build.ts): it opens the model by id and embeds the one query exactly as the recall's
 * own thread would (kind "query", oneShot), while that thread opens the store and searches keywords.
 */
import { describeError } from "../errors.ts";
import { openEmbedderById } from "./open.ts";
import type { AheadReply, AheadRequest } from "./query-ahead.ts";

declare const self: Worker;

self.onmessage = async (event: MessageEvent<AheadRequest>) => {
  const { dataDir, model, text } = event.data;
  try {
    const embedder = await openEmbedderById(dataDir, model);
    const [vector] = await embedder.embed([text], "query", { oneShot: true });
    postMessage({ model: embedder.model, dims: embedder.dims, vector: vector! } satisfies AheadReply);
    await embedder.dispose();
  } catch (err) {
    postMessage({ error: describeError(err) } satisfies AheadReply);
  }
};
