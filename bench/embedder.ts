/**
 * @module The built-in model as the benches open it: in a data directory of its own (where a model folder
 * would be looked up), removed when the embedder is disposed, so a bench run leaves nothing in the temp dir.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openModelEmbedder } from "../src/cli/retrieval.ts";
import type { Embedder } from "../src/embed/port.ts";

export async function openBenchEmbedder(prefix: string, id = "use-lite"): Promise<Embedder> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const embedder = await openModelEmbedder(dir, id);
  const dispose = embedder.dispose.bind(embedder);
  embedder.dispose = async () => {
    try {
      await dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return embedder;
}
