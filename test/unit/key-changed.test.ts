/** @module A store another process re-encodes while this one has it open: every read fails (KEY_CHANGED), none answers empty. */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/engine/engine.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { encryptedOptions, T0 } from "../helpers/engine.ts";
import { codeOf } from "../helpers/errors.ts";
import { rekeyedMeanwhile } from "../../src/cli/commands/import.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("after another connection encrypts the store, list, search, get and stats fail every time; none answers empty", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-key-changed-"));
  dirs.push(dir);
  const path = join(dir, "cairn.db");
  const mine = new SqliteStore(path);
  const engine = new Engine({ store: mine, project: "/work/app", actor: "test", now: () => T0 });
  const { id } = engine.remember({ content: "the ocelot cache is warmed at boot", type: "fact" });
  expect(engine.list().total).toBe(1);
  const other = new SqliteStore(path);
  const { codec, newRecord } = encryptedOptions(undefined, path);
  other.recode(codec, newRecord);
  other.close();
  for (let round = 0; round < 2; round++) {
    expect(codeOf(() => engine.list())).toBe("KEY_CHANGED");
    expect(await engine.recall({ query: "ocelot cache", mode: "keyword" }).then(() => "answered", (e: { code?: string }) => e.code)).toBe("KEY_CHANGED");
    expect(codeOf(() => engine.get(id, { track: false }))).toBe("KEY_CHANGED");
    expect(codeOf(() => engine.stats())).toBe("KEY_CHANGED");
  }
  engine.close();
});

test("an import whose vectors failed because the store was re-keyed meanwhile says so, not that a row was tampered with", () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-key-changed-"));
  dirs.push(dir);
  const path = join(dir, "cairn.db");
  const engine = new Engine({ store: new SqliteStore(path), project: "/work/app", actor: "test", now: () => T0 });
  engine.remember({ content: "imported just now", type: "fact" });
  expect(rekeyedMeanwhile(engine)).toBeNull();
  const other = new SqliteStore(path);
  const { codec, newRecord } = encryptedOptions(undefined, path);
  other.recode(codec, newRecord);
  other.close();
  expect(rekeyedMeanwhile(engine)).toBe("another cairn process encrypted the store meanwhile (the imported memories are stored and intact)");
  engine.close();
});

test("the embedding of a process opened before an encrypt reads no sealed text as plain and writes no unsealed vector (QA: the worker)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-key-changed-"));
  dirs.push(dir);
  const path = join(dir, "cairn.db");
  const worker = new SqliteStore(path);
  new Engine({ store: worker, project: "/work/app", actor: "test", now: () => T0 }).remember({ content: "embedded after the encrypt", type: "fact" });
  expect(worker.vectors.pendingCount("fake")).toBe(1);
  const other = new SqliteStore(path);
  const { codec, newRecord } = encryptedOptions(undefined, path);
  other.recode(codec, newRecord);
  other.close();
  expect(codeOf(() => worker.vectors.pending("fake", 10))).toBe("KEY_CHANGED");
  expect(codeOf(() => worker.vectors.put("fake", 2, [{ seq: 1, contentHash: "00", vector: new Float32Array([1, 0]) }], T0))).toBe("KEY_CHANGED");
  worker.close();
  const sealed = new SqliteStore(path, { codec, newRecord });
  expect(sealed.vectors.count("fake")).toBe(0);
  sealed.close();
});
