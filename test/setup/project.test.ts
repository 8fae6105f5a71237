/**
 * @module `cairn setup --project` on the compiled binary in a real git repository: the files name `cairn`
 * (found on PATH, with a warning on stderr when it is not), and `--uninstall` leaves the repository as it
 * was — created files gone, existing files byte-identical, no backups or stubs inside it.
 */
import { afterEach, beforeEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CAIRN_BIN, describeRun, requireBinary } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

requireBinary();
setDefaultTimeout(60_000);

let s: Sandbox;
let repo: string;
beforeEach(() => {
  s = createSandbox("cairn-setup-project-");
  repo = join(s.root, "repo");
  mkdirSync(repo);
  git("init", "-q");
});
afterEach(() => s.cleanup());

function git(...args: string[]): string {
  const r = Bun.spawnSync(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo, env: { PATH: "/usr/bin:/bin", HOME: s.home } });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

const CLIENTS = "claude-code,cursor,vscode,codex,gemini";
/** A PATH without cairn, and one with it (a symlink to the binary under test). */
const noCairn = () => ({ PATH: "/usr/bin:/bin" });
function withCairn(): { PATH: string } {
  const bin = join(s.root, "bin");
  mkdirSync(bin, { recursive: true });
  if (!existsSync(join(bin, "cairn"))) symlinkSync(CAIRN_BIN, join(bin, "cairn"));
  return { PATH: `${bin}:/usr/bin:/bin` };
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !join(e.parentPath, e.name).includes(`${join(repo, ".git")}/`))
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

test("project files run `cairn` from PATH; without it on PATH, stderr says how to put it there", async () => {
  const r = await s.run(["setup", "--project", "--client", CLIENTS], { cwd: repo, env: noCairn() });
  expect(r.exitCode, describeRun(["setup"], r)).toBe(0);
  expect(r.stderr).toContain("warning: `cairn` is not on PATH");
  expect(r.stderr).toContain(`ln -s "${CAIRN_BIN}" ~/.local/bin/cairn`);
  // The sandbox's own CAIRN_HOME stays out of the shared files, and stderr says so.
  expect(r.stderr).toContain(`warning: CAIRN_HOME is set (${s.cairnHome}), but a project's files are shared`);
  expect(r.stdout).not.toContain("warning");
  const mcp = JSON.parse(readFileSync(join(repo, ".mcp.json"), "utf8"));
  expect(mcp.mcpServers.cairn).toEqual({ type: "stdio", command: "cairn", args: ["mcp"] });
  const hooks = JSON.parse(readFileSync(join(repo, ".claude", "settings.json"), "utf8")).hooks;
  expect(hooks.PostToolUseFailure).toEqual([{ matcher: "Bash", hooks: [{ type: "command", command: "cairn hook post-tool-failure", timeout: 5 }] }]);
  for (const f of files(repo)) expect(readFileSync(join(repo, f), "utf8"), f).not.toContain(s.root);
  expect(readFileSync(join(repo, ".codex", "config.toml"), "utf8")).toContain('command = "cairn"');

  // With cairn on PATH and the default data directory, nothing to warn about.
  const onPath = await s.run(["setup", "--project", "--client", CLIENTS], { cwd: repo, env: { ...withCairn(), CAIRN_HOME: "" } });
  expect(onPath.exitCode).toBe(0);
  expect(onPath.stderr).toBe("");
});

test("--uninstall gives the repository back: created files gone, existing ones byte-identical, nothing left inside", async () => {
  const before = {
    ".mcp.json": `{\n  // shared servers\n  "mcpServers": { "docs": { "command": "docs-mcp" } }\n}\n`,
    ".claude/settings.json": `{\n  "permissions": { "allow": ["Bash(npm test)"] },\n  "hooks": { "Stop": [ { "hooks": [ { "type": "command", "command": "notify-send done" } ] } ] }\n}\n`,
    "README.md": "# repo\n",
  };
  for (const [f, text] of Object.entries(before)) {
    mkdirSync(join(repo, f, ".."), { recursive: true });
    writeFileSync(join(repo, f), text);
  }
  git("add", "-A");
  git("commit", "-q", "-m", "init");

  const env = withCairn();
  await s.ok(["setup", "--project", "--client", CLIENTS], { cwd: repo, env });
  expect(git("status", "--porcelain").split("\n").filter(Boolean).sort()).toEqual(
    [" M .claude/settings.json", " M .mcp.json", "?? .codex/", "?? .cursor/", "?? .gemini/", "?? .vscode/"],
  );
  const r = await s.ok(["setup", "--project", "--uninstall", "--client", CLIENTS], { cwd: repo, env });
  expect(r.stdout).toContain(`${join(repo, ".cursor", "mcp.json")} (mcp): deleted`);

  expect(git("status", "--porcelain", "--ignored", "--untracked-files=all")).toBe("");
  for (const [f, text] of Object.entries(before)) expect(readFileSync(join(repo, f), "utf8"), f).toBe(text);
  expect(files(repo)).toEqual(Object.keys(before).sort());
  for (const dir of [".cursor", ".vscode", ".codex", ".gemini"]) expect(existsSync(join(repo, dir)), dir).toBe(false);
  // The copies taken before each change live in cairn's data directory, not in the repository.
  const backups = files(join(s.cairnHome, "backups"));
  expect(backups.some((b) => b.endsWith(`${repo.slice(1)}/.mcp.json`))).toBe(true);
  expect(backups.some((b) => b.endsWith(`${repo.slice(1)}/.cursor/mcp.json`))).toBe(true);
});

test("--project in the home folder (no repository) is refused before anything is written: the files there are the user's own (QA)", async () => {
  const user = await s.run(["setup", "--client", "claude-code"], { cwd: s.home, env: withCairn() });
  expect(user.exitCode, describeRun(["setup"], user)).toBe(0);
  const settings = join(s.home, ".claude", "settings.json");
  const before = readFileSync(settings, "utf8");
  const listed = readdirSync(s.home, { recursive: true }).map(String).sort();
  for (const args of [["setup", "--project", "--client", "claude-code,codex"], ["setup", "--project", "--uninstall"]]) {
    const r = await s.run(args, { cwd: s.home, env: withCairn() });
    expect(r.exitCode, describeRun(args, r)).toBe(2);
    expect(r.stderr).toContain("is not a project but your home folder");
  }
  expect(readFileSync(settings, "utf8")).toBe(before);
  expect(readdirSync(s.home, { recursive: true }).map(String).sort()).toEqual(listed);
});

test("--uninstall keeps a file the repository tracks, emptied of cairn's entries, instead of deleting it (QA: ' D .mcp.json')", async () => {
  writeFileSync(join(repo, ".mcp.json"), `{ "mcpServers": { "cairn": { "type": "stdio", "command": "cairn", "args": ["mcp"] } } }\n`);
  git("add", "-A");
  git("commit", "-q", "-m", "team config");
  const env = withCairn();
  await s.ok(["setup", "--project", "--client", "claude-code"], { cwd: repo, env });
  await s.ok(["setup", "--project", "--uninstall", "--client", "claude-code"], { cwd: repo, env });
  expect(existsSync(join(repo, ".mcp.json"))).toBe(true);
  expect(readFileSync(join(repo, ".mcp.json"), "utf8")).not.toContain("cairn");
  expect(git("status", "--porcelain")).toBe(" M .mcp.json\n");
});
