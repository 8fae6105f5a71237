/** @module Project identity (git remote, else path) and resolving what users call a project to its key. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectProjectKey, projectKeyOfDirectory } from "../../src/config/project.ts";
import { normaliseRemote, projectName, remoteUrlFromConfig } from "../../src/domain/project.ts";
import { Engine } from "../../src/engine/engine.ts";
import { CairnError } from "../../src/errors.ts";
import { SqliteStore } from "../../src/store/sqlite-store.ts";
import { testEngine } from "../helpers/engine.ts";

const root = realpathSync(mkdtempSync(join(tmpdir(), "cairn-ident-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A repository work tree at `dir` whose config names `remotes` (name → url). */
function repo(dir: string, remotes: Record<string, string> = {}): string {
  const path = join(root, dir);
  mkdirSync(join(path, ".git"), { recursive: true });
  const sections = Object.entries(remotes).map(([name, url]) => `[remote "${name}"]\n\turl = ${url}\n\tfetch = +refs/heads/*:refs/remotes/${name}/*\n`);
  writeFileSync(join(path, ".git", "config"), `[core]\n\tbare = false\n${sections.join("")}`);
  return path;
}

describe("remote normalisation", () => {
  test("ssh, scp-like, https with a user, ports and .git all name the same repository", () => {
    for (const url of [
      "git@github.com:acme/payments.git",
      "https://user@github.com/acme/payments.git",
      "https://github.com/acme/payments",
      "ssh://git@github.com:22/acme/payments.git",
      "git://GitHub.com/acme/payments.git/",
    ]) {
      expect(normaliseRemote(url)).toBe("github.com/acme/payments");
    }
  });
  test("local remotes keep their path; relative paths and junk are not identities", () => {
    expect(normaliseRemote("/srv/git/payments.git")).toBe("/srv/git/payments");
    expect(normaliseRemote("file:///srv/git/payments.git")).toBe("/srv/git/payments");
    expect(normaliseRemote("../payments")).toBeNull();
    expect(normaliseRemote("")).toBeNull();
  });
  test("origin wins over other remotes; otherwise the first remote with a url", () => {
    const config = '[remote "upstream"]\n\turl = git@x.org:up/a.git\n[remote "origin"]\n  url = "https://x.org/me/a"\n';
    expect(remoteUrlFromConfig(config)).toBe("https://x.org/me/a");
    expect(remoteUrlFromConfig('[remote "fork"]\nurl=git@x.org:f/a.git\n[branch "main"]\nurl = nope\n')).toBe("git@x.org:f/a.git");
    expect(remoteUrlFromConfig("[core]\n\tbare = false\n")).toBeNull();
  });
  test("the display name is the last part of the key", () => {
    expect(projectName("github.com/acme/payments")).toBe("payments");
    expect(projectName("/home/me/code/app/")).toBe("app");
    expect(projectName("billing-service")).toBe("billing-service");
  });
});

describe("project identity", () => {
  test("two clones of one remote at different paths share one key; a repository without a remote keeps its path", () => {
    const a = repo("clone-a", { origin: "git@github.com:acme/payments.git" });
    const b = repo("elsewhere/clone-b", { origin: "https://me@github.com/acme/payments" });
    mkdirSync(join(b, "src", "deep"), { recursive: true });
    expect(detectProjectKey(a)).toBe("github.com/acme/payments");
    expect(detectProjectKey(join(b, "src", "deep"))).toBe("github.com/acme/payments");
    const local = repo("local-only");
    expect(detectProjectKey(local)).toBe(local);
  });
  test("a linked worktree (.git is a file) takes the main repository's remote", () => {
    const main = repo("main-repo", { origin: "git@gitlab.com:team/api.git" });
    mkdirSync(join(main, ".git", "worktrees", "wt"), { recursive: true });
    writeFileSync(join(main, ".git", "worktrees", "wt", "commondir"), "../..\n");
    const wt = join(root, "wt");
    mkdirSync(wt);
    writeFileSync(join(wt, ".git"), `gitdir: ${join(main, ".git", "worktrees", "wt")}\n`);
    expect(detectProjectKey(wt)).toBe("gitlab.com/team/api");
  });
  test("a linked worktree of a repository without a remote is its main checkout's project; a submodule stays its own (QA)", () => {
    const main = repo("no-remote");
    mkdirSync(join(main, ".git", "worktrees", "feature"), { recursive: true });
    writeFileSync(join(main, ".git", "worktrees", "feature", "commondir"), "../..\n");
    const wt = join(root, "feature-wt");
    mkdirSync(join(wt, "src"), { recursive: true });
    writeFileSync(join(wt, ".git"), `gitdir: ${join(main, ".git", "worktrees", "feature")}\n`);
    expect(detectProjectKey(join(wt, "src"))).toBe(main);
    const sub = join(main, "vendor", "lib");
    mkdirSync(join(main, ".git", "modules", "lib"), { recursive: true });
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, ".git"), `gitdir: ${join(main, ".git", "modules", "lib")}\n`);
    expect(detectProjectKey(sub)).toBe(sub);
  });
  test("a --project directory becomes its key", () => {
    repo("dir-ref", { origin: "git@github.com:acme/dir-ref.git" });
    expect(projectKeyOfDirectory("dir-ref", root)).toBe("github.com/acme/dir-ref");
    expect(projectKeyOfDirectory("no-such-dir", root)).toBeUndefined();
  });
});

describe("resolving project names", () => {
  const payments = "github.com/acme/payments";
  const make = () => {
    const store = new SqliteStore(":memory:");
    const engine = new Engine({
      store,
      project: "/work/current",
      actor: "test",
      locateProject: (ref) => (ref === "/code/payments" ? payments : undefined),
    });
    engine.remember({ content: "payments deploy with fly", project: payments });
    engine.remember({ content: "billing uses stripe", project: "/srv/old/billing" });
    engine.remember({ content: "I like short answers", project: null });
    return engine;
  };
  const contents = (engine: Engine, project: string) => engine.list({ project }).memories.map((m) => m.content).sort();

  test("the shown name, the key, a directory, a remote URL and an old alias all find the project", () => {
    const engine = make();
    (engine.store as SqliteStore).database.run("INSERT INTO project_aliases (alias, project) VALUES ('/old/clone/payments', ?)", [payments]);
    for (const ref of ["payments", "Payments", payments, "/code/payments", "git@github.com:acme/payments.git", "/old/clone/payments"]) {
      expect(contents(engine, ref)).toEqual(["I like short answers", "payments deploy with fly"]);
    }
    expect(contents(engine, "billing")).toEqual(["I like short answers", "billing uses stripe"]);
    engine.close();
  });

  test("an unknown project is an error naming the known ones, for reads; a write starts the project", async () => {
    const engine = make();
    let err: unknown;
    try {
      engine.list({ project: "paymnets" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CairnError);
    expect((err as CairnError).code).toBe("PROJECT_UNKNOWN");
    expect((err as CairnError).isUsage).toBe(true);
    expect((err as CairnError).message).toContain(`payments (${payments})`);
    expect((err as CairnError).message).toContain("billing (/srv/old/billing)");
    await expect(engine.recall({ query: "deploy", project: "nope" })).rejects.toThrow(/Known projects/);
    expect(() => engine.briefing({ project: "nope" })).toThrow(/Known projects/);
    expect(engine.remember({ content: "a new named project", project: "brand-new" }).memory.project).toBe("brand-new");
    expect(engine.remember({ content: "stored by the shown name", project: "payments" }).memory.project).toBe(payments);
    expect(contents(engine, "brand-new")).toEqual(["I like short answers", "a new named project"]);
    engine.close();
  });

  test("the current project is always readable, even before it holds memories", () => {
    const engine = make();
    expect(contents(engine, "/work/current")).toEqual(["I like short answers"]);
    expect(contents(engine, "current")).toEqual(["I like short answers"]);
    engine.close();
  });

  test("a name two projects share is ambiguous, not a guess", () => {
    const engine = make();
    engine.remember({ content: "a fork", project: "github.com/someone/payments" });
    expect(() => engine.list({ project: "payments" })).toThrow(/fits several projects/);
    expect(contents(engine, payments)).toEqual(["I like short answers", "payments deploy with fly"]);
    engine.close();
  });

  test("projects() lists keys, names, counts and aliases", () => {
    const engine = make();
    (engine.store as SqliteStore).database.run("INSERT INTO project_aliases (alias, project) VALUES ('/old/p', ?)", [payments]);
    expect(engine.projects()).toEqual([
      { key: "/srv/old/billing", name: "billing", count: 1, aliases: [] },
      { key: payments, name: "payments", count: 1, aliases: ["/old/p"] },
    ]);
    engine.close();
  });

  for (const encrypted of [false, true]) {
    test(`the store's project keys are every project holding memories of any status, in order, without the global scope${encrypted ? " (encrypted)" : ""}`, () => {
      const { engine } = testEngine({ encrypted });
      const archived = engine.remember({ content: "only an archived note here", project: "github.com/acme/zeta" }).memory;
      engine.forget(archived.id);
      engine.remember({ content: "payments deploy with fly", project: payments });
      engine.remember({ content: "a second payments note", project: payments });
      engine.remember({ content: "billing uses stripe", project: "/srv/old/billing" });
      engine.remember({ content: "I like short answers", project: null });
      // Six projects: an encrypted store's order of ciphertexts matches the names' only by chance (1 in 720).
      for (const p of ["gamma", "alpha", "beta"]) engine.remember({ content: `the ${p} service note`, project: `github.com/acme/${p}` });
      const acme = ["alpha", "beta", "gamma", "payments", "zeta"].map((p) => `github.com/acme/${p}`);
      expect(engine.store.projectKeys()).toEqual(["/srv/old/billing", ...acme]);
      expect(engine.list({ project: "zeta" }).memories.map((m) => m.content)).toEqual(["I like short answers"]);
      engine.close();
    });
  }
});
