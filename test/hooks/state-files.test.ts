/**
 * @module What the hooks sweep and scrub in `<data dir>/hooks/`: cairn's own session state files only. A
 * `hooks` folder linked elsewhere, or a CAIRN_HOME that was a repository with a hooks/ folder of its own, lost
 * every file older than a day, and a purge rewrote any JSON file there quoting the erased text (QA).
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scrubHookFiles } from "../../src/hooks/state-erase.ts";
import { emptyState, saveState, stateFile, sweepStale } from "../../src/hooks/state.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "cairn-state-files-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const DAYS_AGO = (n: number) => new Date(Date.now() - n * 86_400_000);

/** A file of the user's in `dir`, last written `days` ago. */
function userFile(dir: string, name: string, text: string, days = 3): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  utimesSync(path, DAYS_AGO(days), DAYS_AGO(days));
  return path;
}

test("the sweep removes stale state files and their temp files, never a file of the user's", () => {
  const data = join(root, "data");
  saveState(data, "old-session", { ...emptyState(), firstPrompt: "hello" }, Date.now());
  const old = stateFile(data, "old-session");
  utimesSync(old, DAYS_AGO(3), DAYS_AGO(3));
  const temp = userFile(join(data, "hooks"), "old-session.json.4242.tmp", '{"v":1,"firstPr');
  const mine = [userFile(join(data, "hooks"), "pre-commit", "#!/bin/sh\n"), userFile(join(data, "hooks"), "package.json", '{"name":"mine"}'), userFile(join(data, "hooks"), "notes.json.1.tmp", "draft")];
  sweepStale(data, Date.now());
  expect(existsSync(old)).toBe(false);
  expect(existsSync(temp)).toBe(false);
  for (const f of mine) expect(existsSync(f)).toBe(true);
});

test("a hooks folder that is a link to another folder is not swept or scrubbed through", () => {
  const data = join(root, "data");
  const elsewhere = join(root, "elsewhere");
  mkdirSync(data, { recursive: true });
  mkdirSync(elsewhere);
  symlinkSync(elsewhere, join(data, "hooks"));
  const state = userFile(elsewhere, "s1.json", JSON.stringify({ ...emptyState(), firstPrompt: "the quarrelsome pelican" }));
  sweepStale(data, Date.now());
  scrubHookFiles(data, ["quarrelsome pelican"]);
  expect(readFileSync(state, "utf8")).toContain("quarrelsome pelican");
});

test("a purge scrubs state files, and leaves a JSON file of the user's that quotes the text as it is", () => {
  const data = join(root, "data");
  saveState(data, "s1", { ...emptyState(), firstPrompt: "deploy the quarrelsome pelican" }, Date.now());
  const theirs = userFile(join(data, "hooks"), "package.json", '{"description":"the quarrelsome pelican"}', 0);
  scrubHookFiles(data, ["quarrelsome pelican"]);
  expect(readFileSync(stateFile(data, "s1"), "utf8")).not.toContain("pelican");
  expect(readFileSync(theirs, "utf8")).toBe('{"description":"the quarrelsome pelican"}');
});
