/**
 * @module Each vector's project as a byte in the index file (store/project-codes.ts): the snapshot gives every
 * row its memory's project code (plain and encrypted stores: the names are the stored keys), the file keeps the
 * codes, names and counts, and a scope keeps the codes of its projects, the global one when asked, and a code
 * past the names (unknown) always.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { writeIndex } from "../../src/retrieve/index-build.ts";
import { acceptedCodes, ProjectCoder, UNKNOWN_PROJECT } from "../../src/store/project-codes.ts";
import { readStoreIndexFile } from "../../src/store/sealed-vector-file.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { indexPath } from "../../src/store/vector-file.ts";
import { encryptedOptions } from "../helpers/engine.ts";
import { WordHashEmbedder } from "../helpers/fake-embedder.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("a coder gives 0 to the global scope and 1… to projects as met, then the unknown code past 254", () => {
  const coder = new ProjectCoder();
  expect([coder.code(null), coder.code("/a"), coder.code("/b"), coder.code("/a")]).toEqual([0, 1, 2, 1]);
  for (let i = 0; i < 300; i++) coder.code(`/p${i}`);
  expect(coder.names.length).toBe(254);
  expect(coder.code("/p299")).toBe(UNKNOWN_PROJECT);
  expect(coder.code("/b")).toBe(2);
  const accept = acceptedCodes(coder.names, ["/b"], false);
  expect([accept[0], accept[1], accept[2], accept[UNKNOWN_PROJECT]]).toEqual([0, 0, 1, 1]);
  expect(acceptedCodes(coder.names, null, false)[0]).toBe(0);
  expect(acceptedCodes(coder.names, null, false)[200]).toBe(1);
  expect(acceptedCodes(coder.names, [], true)[0]).toBe(1);
});

for (const encrypted of [false, true]) {
  test(`the index file holds each row's project code, its names and counts${encrypted ? " (encrypted store: sealed keys)" : ""}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-codes-"));
    dirs.push(dir);
    const file = join(dir, "cairn.db");
    const store = new SqliteStore(file, encrypted ? encryptedOptions(undefined, file) : {});
    const made: Array<[string, string | null]> = [];
    for (const [project, text] of [["/a", "alpha one"], ["/a", "alpha two"], ["/b", "beta one"], [null, "global one"], ["/a", "alpha three"]] as const) {
      new Engine({ store, project: project ?? "/x" }).remember({ content: text, ...(project === null ? { project: null } : {}) });
      made.push([text, project]);
    }
    const embedder = new WordHashEmbedder("fake", 16);
    const pending = store.vectors.pending("fake", 10).rows;
    const vs = await embedder.embed(pending.map((p) => p.content), "document");
    store.vectors.put("fake", 16, pending.map((p, i) => ({ seq: p.seq, contentHash: p.contentHash, vector: vs[i]! })), Date.now());
    await writeIndex(dir, store.vectors, "fake", 16);
    const read = readStoreIndexFile(store.vectors.codec, indexPath(dir, "fake", 16), "fake", 16, store.vectors.logState().epoch);
    if (!read.ok) throw new Error(read.reason);
    const f = read.file;
    const stored = (p: string) => store.vectors.projectScope({ scope: { projects: [p], includeGlobal: false } }).projects![0]!;
    expect([...f.names].sort()).toEqual([stored("/a"), stored("/b")].sort());
    if (encrypted) expect(f.names).not.toContain("/a");
    const contentOf = (seq: number) => store.getMany(store.database.query("SELECT id FROM memories WHERE seq = ?").values(seq).flat() as string[], { scope: { projects: null, includeGlobal: true } }, Date.now())[0]!.content;
    for (let r = 0; r < f.count; r++) {
      const project = made.find(([t]) => t === contentOf(f.seqs[r]!))![1];
      expect(f.codes[r]).toBe(project === null ? 0 : f.names.indexOf(stored(project)) + 1);
    }
    expect(f.codeCounts[0]).toBe(1);
    expect(f.codeCounts[f.names.indexOf(stored("/a")) + 1]).toBe(3);
    expect(f.codeCounts[f.names.indexOf(stored("/b")) + 1]).toBe(1);
    f.close();
    store.close();
  });
}
