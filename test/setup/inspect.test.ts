/** @module `cairn doctor`'s client checks: registered or not, command present and executable, hooks complete. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { clientChecks } from "../../src/setup/inspect.ts";
import { createWorld, type World } from "./world.ts";

let w: World;
beforeEach(() => {
  w = createWorld();
});
afterEach(() => w.cleanup());

const checks = () => Object.fromEntries(clientChecks({ HOME: w.home }, w.project, "linux").map((c) => [c.name, c]));

test("nothing installed, nothing reported", () => {
  expect(checks()).toEqual({});
});

test("a set-up Claude Code is ok; a missing hook or a missing binary is a warning", () => {
  w.setup({ client: "claude-code" });
  expect(checks()["claude-code"]).toMatchObject({ level: "ok", detail: expect.stringContaining("hooks 8/8") });
  chmodSync(w.bin, 0o644);
  expect(checks()["claude-code"]!.detail).toContain("is not executable");
  chmodSync(w.bin, 0o755);
  const settings = join(w.home, ".claude", "settings.json");
  const value = JSON.parse(w.read(settings));
  // What a setup from before failures had their own event leaves: doctor asks for a re-run.
  delete value.hooks.Stop;
  delete value.hooks.PostToolUseFailure;
  w.write("home/.claude/settings.json", JSON.stringify(value));
  expect(checks()["claude-code"]).toMatchObject({ level: "warn", detail: expect.stringContaining("hooks missing for PostToolUseFailure, Stop") });
  w.setup({ client: "claude-code", command: join(w.root, "gone", "cairn") });
  expect(checks()["claude-code"]!.detail).toContain("does not exist");
});

test("an installed but unconfigured client is info; a malformed config is a warning", () => {
  mkdirSync(join(w.home, ".cursor"));
  expect(checks().cursor).toMatchObject({ level: "info" });
  w.fixture("malformed.toml", "home/.codex/config.toml");
  expect(checks().codex).toMatchObject({ level: "warn", detail: expect.stringContaining("malformed") });
});

test("project files name `cairn`: fine when it is on PATH, a warning when it is not", () => {
  w.setup({ client: "claude-code", scope: "project", command: "cairn" });
  const at = (PATH: string) => clientChecks({ HOME: w.home, PATH }, w.project, "linux").find((c) => c.name === "claude-code")!;
  expect(at(join(w.root, "bin"))).toMatchObject({ level: "ok", detail: expect.stringContaining("hooks 8/8") });
  expect(at(join(w.root, "nowhere"))).toMatchObject({ level: "warn", detail: expect.stringContaining("`cairn` (in ") });
  expect(at(join(w.root, "nowhere")).detail).toContain("is not on PATH");
});

test("cairn's Claude Code hooks at user and project level run twice: setup warns as it writes the second, doctor too (QA)", () => {
  expect(w.setup({ client: "claude-code" }).warnings).toEqual([]);
  const second = w.setup({ client: "claude-code", scope: "project", command: "cairn" });
  const user = join(w.home, ".claude", "settings.json");
  const project = join(w.project, ".claude", "settings.json");
  expect(second.warnings).toContainEqual(expect.stringContaining(`cairn's hooks are in ${project} and ${user}: Claude Code runs both`));
  expect(checks()["claude-code"]).toMatchObject({ level: "warn", detail: expect.stringContaining("so every event runs cairn twice") });
  // One removed: quiet again.
  w.setup({ client: "claude-code", scope: "project", command: "cairn", uninstall: true });
  expect(checks()["claude-code"]!.detail).not.toContain("twice");
  expect(w.setup({ client: "claude-code" }).warnings).toEqual([]);
});

test("a local cairn server in ~/.claude.json (what `claude mcp add` writes) takes precedence: setup and doctor say so (QA)", () => {
  w.write("home/.claude.json", JSON.stringify({ projects: { [w.project]: { mcpServers: { cairn: { command: "/old/cairn", args: ["mcp"] } } } } }));
  const report = w.setup({ client: "claude-code" });
  expect(report.warnings).toContainEqual(expect.stringContaining(`a local "cairn" server for ${w.project} in ${join(w.home, ".claude.json")} (command /old/cairn)`));
  expect(checks()["claude-code"]).toMatchObject({ level: "warn", detail: expect.stringContaining("claude mcp remove cairn -s local") });
});

test("settings that turn every hook off (disableAllHooks) are named by setup and doctor (QA: doctor said ok)", () => {
  const settings = w.write("home/.claude/settings.json", JSON.stringify({ disableAllHooks: true }, null, 2));
  const report = w.setup({ client: "claude-code" });
  expect(report.warnings).toContainEqual(expect.stringContaining(`${settings} sets "disableAllHooks": true, so Claude Code runs no hooks`));
  expect(checks()["claude-code"]).toMatchObject({ level: "warn", detail: expect.stringContaining('"disableAllHooks": true') });
  const value = JSON.parse(w.read(settings));
  delete value.disableAllHooks;
  w.write("home/.claude/settings.json", JSON.stringify(value));
  expect(checks()["claude-code"]!.level).toBe("ok");
});
