/** @module A project key taken from a git remote: percent-escapes decoded, so every clone shares one project, and nothing a --project name may not hold (domain/project.ts). */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { normaliseRemote, NOT_IN_NAMES, projectKeyOf, projectName } from "../../src/domain/project.ts";
import { testEngine } from "../helpers/engine.ts";

const root = realpathSync(mkdtempSync(join(tmpdir(), "cairn-remote-names-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A work tree at `dir` whose remote "origin" is `url`. */
function repo(dir: string, url: string): string {
  const path = join(root, dir);
  mkdirSync(join(path, ".git"), { recursive: true });
  writeFileSync(join(path, ".git", "config"), `[core]\n\tbare = false\n[remote "origin"]\n\turl = ${url}\n`);
  return path;
}

const encoded = (s: string) => s.split("/").map(encodeURIComponent).join("/");

describe("remote names", () => {
  test("a percent-encoded https remote and the ssh remote of one repository are one project, shown by its own name (QA)", () => {
    const ssh = repo("ssh", "git@git.example.com:команда/Проект.git");
    const https = repo("https", `https://git.example.com/${encoded("команда/Проект")}.git`);
    expect(projectKeyOf(https)).toBe(projectKeyOf(ssh));
    expect(projectKeyOf(https)).toBe("git.example.com/команда/Проект");
    expect(projectName(projectKeyOf(https))).toBe("Проект");
  });

  test("an escaped space is the space", () => {
    expect(normaliseRemote("https://dev.azure.com/contoso/Payments%20Platform/_git/billing")).toBe(normaliseRemote("https://dev.azure.com/contoso/Payments Platform/_git/billing"));
    expect(normaliseRemote("file:///srv/My%20Repos/payments.git")).toBe("/srv/My Repos/payments");
  });

  test("escapes that are not UTF-8 stay as written", () => {
    expect(normaliseRemote("https://git.example.com/acme/caf%E9.git")).toBe("git.example.com/acme/caf%E9");
  });

  test("control characters and text-direction overrides, raw or escaped, are taken out (QA: an ESC sequence reached the terminal)", () => {
    for (const url of ["https://github.com/acme/\x1b[8mhidden\u202e.git", "https://github.com/acme/%1B%5B8mhidden%E2%80%AE.git", "git@github.com:acme/hid\x07den\u2066.git"]) {
      const key = normaliseRemote(url)!;
      expect(NOT_IN_NAMES.test(key), JSON.stringify(key)).toBe(false);
      expect(key).toMatch(/^github\.com\/acme\/(?:\[8m)?hidden$/);
    }
    const hostile = repo("hostile", "https://github.com/acme/\x1b[8mhidden\u202e.git");
    expect(NOT_IN_NAMES.test(projectKeyOf(hostile))).toBe(false);
  });

  test("a remote URL given as --project finds the project its clone stores under", () => {
    const { engine } = testEngine({ project: "/work/other" });
    engine.remember({ content: "The release branch is cut on Tuesdays", type: "fact", project: "git.example.com/команда/Проект" });
    const found = engine.list({ project: `https://git.example.com/${encoded("команда/Проект")}.git` }).memories.map((m) => m.content);
    expect(found).toContain("The release branch is cut on Tuesdays");
  });
});
