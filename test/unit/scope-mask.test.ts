/** @module VectorStore.scopeMask: which memories a scoped search may leave out before scoring them exactly. */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import type { ScopeMask } from "../../src/store/vector-store.ts";
import { encryptedOptions } from "../helpers/engine.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

for (const encrypted of [false, true]) {
  test(`a mask keeps the scope's projects, the global scope when asked, and the statuses asked for${encrypted ? " (encrypted store)" : ""}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-mask-"));
    dirs.push(dir);
    const file = join(dir, "cairn.db");
    const store = new SqliteStore(file, encrypted ? encryptedOptions(undefined, file) : {});
    const ids: Record<string, string> = {};
    for (const [project, text] of [["/a", "alpha one"], ["/a", "alpha two"], ["/b", "beta one"], [null, "global one"]] as const) {
      ids[text] = new Engine({ store, project: project ?? "/x" }).remember({ content: text, ...(project === null ? { project: null } : {}) }).id;
    }
    const seq = (text: string) => (store.database.query("SELECT seq FROM memories WHERE id = ?").get(ids[text]!) as { seq: number }).seq;
    new Engine({ store, project: "/a" }).forget(ids["alpha two"]!);
    const kept = ({ mask }: ScopeMask) => Object.keys(ids).filter((t) => mask[seq(t)] === 1).sort();
    expect(kept(store.vectors.scopeMask({ scope: { projects: ["/a"], includeGlobal: true } }))).toEqual(["alpha one", "global one"]);
    expect(kept(store.vectors.scopeMask({ scope: { projects: ["/a"], includeGlobal: false } }))).toEqual(["alpha one"]);
    expect(kept(store.vectors.scopeMask({ scope: { projects: ["/a", "/b"], includeGlobal: false }, statuses: ["active", "archived"] }))).toEqual(["alpha one", "alpha two", "beta one"]);
    expect(kept(store.vectors.scopeMask({ scope: { projects: null, includeGlobal: false } }))).toEqual(["alpha one", "beta one"]);
    expect(kept(store.vectors.scopeMask({ scope: { projects: null, includeGlobal: true } }))).toEqual(["alpha one", "beta one", "global one"]);
    store.close();
  });
}
