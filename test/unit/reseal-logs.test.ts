/**
 * @module The logs beside a store follow its encoding: an encrypt seals their plain lines, a key rotation seals
 * them again under the new key, a decrypt opens them (QA: unreadable after a rotation or a decrypt, labelled as
 * altered).
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendLogLine, parseLogLine } from "../../src/log-file.ts";
import { logSeal, PLAIN_CODEC } from "../../src/store/content-codec.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { encryptedOptions } from "../helpers/engine.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The lines of `dir`'s hooks.log as `cairn logs` would read them with `seal`. */
const read = (dir: string, seal: ReturnType<typeof logSeal>) =>
  readFileSync(join(dir, "hooks.log"), "utf8").split("\n").filter(Boolean).map((l) => parseLogLine("hooks.log", l, seal));

test("encrypt seals the plain lines, rotate re-seals them under the new key, decrypt opens them", () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-reseal-"));
  dirs.push(dir);
  const file = join(dir, "cairn.db");
  const plain = new SqliteStore(file);
  appendLogLine(dir, "hooks.log", "prompt capture of the zanzibar note", 1 << 20);
  const first = encryptedOptions(undefined, file);
  plain.recode(first.codec, first.newRecord);
  plain.close();
  expect(readFileSync(join(dir, "hooks.log"), "utf8")).not.toContain("zanzibar");
  expect(read(dir, logSeal(first.codec))).toEqual([expect.objectContaining({ sealed: true, readable: true, text: "prompt capture of the zanzibar note" })]);

  const store = new SqliteStore(file, first);
  appendLogLine(dir, "hooks.log", "a line written while encrypted", 1 << 20);
  const second = encryptedOptions(undefined, file);
  store.recode(second.codec, second.newRecord);
  store.close();
  expect(read(dir, logSeal(second.codec)).map((l) => [l.readable, l.text])).toEqual([
    [true, "prompt capture of the zanzibar note"],
    [true, "a line written while encrypted"],
  ]);

  const last = new SqliteStore(file, second);
  last.recode(PLAIN_CODEC, null);
  last.close();
  expect(read(dir, null).map((l) => [l.sealed, l.text])).toEqual([
    [false, "prompt capture of the zanzibar note"],
    [false, "a line written while encrypted"],
  ]);
});
