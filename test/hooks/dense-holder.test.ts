/**
 * @module The warm daemon's dense channel follows the configured model: after `cairn models use` the next
 * event searches with the new model (the daemon lives through a session; it kept the model it started with).
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolvePaths } from "../../src/config/paths.ts";
import type { Embedder } from "../../src/embed/port.ts";
import { DenseHolder } from "../../src/hooks/warm/dense-holder.ts";
import type { DaemonModels } from "../../src/hooks/warm/daemon-models.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { WordHashEmbedder } from "../helpers/fake-embedder.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("after the configured model changes, the holder's channel opens the new model; an unreadable config keeps the old", async () => {
  const home = mkdtempSync(join(tmpdir(), "cairn-holder-"));
  dirs.push(home);
  const paths = resolvePaths({ CAIRN_HOME: home });
  const store = new SqliteStore(":memory:");
  const asked: string[] = [];
  const models = { open: async (id: string): Promise<Embedder> => (asked.push(id), new WordHashEmbedder()) } as unknown as DaemonModels;
  const holder = new DenseHolder(paths, () => store, models);
  const setModel = (model: string) => writeFileSync(paths.configFile, JSON.stringify({ model }));
  try {
    const first = holder.get();
    await first.embedder();
    expect(asked).toEqual(["use-lite"]);
    expect(holder.get()).toBe(first);

    setModel("tiny-bert");
    const second = holder.get();
    expect(second).not.toBe(first);
    await second.embedder();
    expect(asked).toEqual(["use-lite", "tiny-bert"]);
    expect(holder.get()).toBe(second);

    writeFileSync(paths.configFile, "{ half an edit");
    expect(holder.get()).toBe(second);
  } finally {
    await holder.dispose();
    store.close();
  }
});
