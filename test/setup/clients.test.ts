/** @module `cairn setup` for the MCP-only clients (Cursor, VS Code, Claude Desktop, Windsurf, Gemini), JSONC, dry runs and `all`. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseJsonc } from "../../src/setup/jsonc.ts";
import type { ClientId } from "../../src/setup/plan.ts";
import { backupsOf, createWorld, type World } from "./world.ts";

let w: World;
beforeEach(() => {
  w = createWorld();
});
afterEach(() => w.cleanup());

const MCP_JSON: Array<{ client: ClientId; path: string; key: string; entry: (bin: string) => object }> = [
  { client: "cursor", path: "home/.cursor/mcp.json", key: "mcpServers", entry: (bin) => ({ command: bin, args: ["mcp"] }) },
  { client: "vscode", path: "home/.config/Code/User/mcp.json", key: "servers", entry: (bin) => ({ type: "stdio", command: bin, args: ["mcp"] }) },
  { client: "claude-desktop", path: "home/.config/Claude/claude_desktop_config.json", key: "mcpServers", entry: (bin) => ({ command: bin, args: ["mcp"] }) },
  { client: "windsurf", path: "home/.codeium/windsurf/mcp_config.json", key: "mcpServers", entry: (bin) => ({ command: bin, args: ["mcp"] }) },
  { client: "gemini", path: "home/.gemini/settings.json", key: "mcpServers", entry: (bin) => ({ command: bin, args: ["mcp"] }) },
];

describe.each(MCP_JSON)("$client", ({ client, path, key, entry }) => {
  test("missing file: created with just cairn; second run identical; uninstall leaves an empty object", () => {
    const file = join(w.root, path);
    const report = w.setup({ client });
    expect(report.clients[0]!.files[0]!.status).toBe("created");
    expect(JSON.parse(w.read(file))).toEqual({ [key]: { cairn: entry(w.bin) } });
    const first = w.read(file);
    expect(w.setup({ client }).clients[0]!.files[0]!.status).toBe("unchanged");
    expect(w.read(file)).toBe(first);
    w.setup({ client, uninstall: true });
    expect(JSON.parse(w.read(file))).toEqual({});
  });

  test("existing servers and settings are kept; uninstall restores the original text", () => {
    const original = `{\n  "theme": "x",\n  "${key}": {\n    "other": { "command": "o", "args": [] }\n  },\n  "z": [1, 2]\n}\n`;
    const file = w.write(path, original);
    w.setup({ client });
    const after = parseJsonc(w.read(file)) as any;
    expect(Object.keys(after)).toEqual(["theme", key, "z"]);
    expect(after[key]).toEqual({ other: { command: "o", args: [] }, cairn: entry(w.bin) });
    expect(backupsOf(file)).toHaveLength(1);
    w.setup({ client, uninstall: true });
    expect(w.read(file)).toBe(original);
  });
});

describe("JSONC files (VS Code, Cursor)", () => {
  test("comments and trailing commas survive setup, re-run and uninstall", () => {
    const file = w.fixture("cursor-mcp.jsonc", "home/.cursor/mcp.json");
    const original = w.read(file);
    w.setup({ client: "cursor" });
    const text = w.read(file);
    for (const comment of ["// Cursor MCP servers — managed by hand", "/* the docs server */", "// local build"]) expect(text).toContain(comment);
    expect((parseJsonc(text) as any).mcpServers).toEqual({ docs: { command: "docs-mcp", args: ["serve"] }, cairn: { command: w.bin, args: ["mcp"] } });
    w.setup({ client: "cursor" });
    expect(w.read(file)).toBe(text);
    w.setup({ client: "cursor", uninstall: true });
    expect(parseJsonc(w.read(file))).toEqual(parseJsonc(original));
    expect(w.read(file)).toContain("// local build");
  });

  test("a tab-indented VS Code workspace file keeps its inputs, comments and indentation", () => {
    const file = w.fixture("vscode-mcp.jsonc", "project/.vscode/mcp.json");
    w.setup({ client: "vscode", scope: "project" });
    const text = w.read(file);
    expect(text).toContain("// Secrets are prompted for, never stored");
    expect(text).toContain(`\t\t"cairn": {\n\t\t\t"type": "stdio",`);
    expect((parseJsonc(text) as any).inputs).toHaveLength(1);
  });
});

describe("dry run, --client all, failures", () => {
  test("--dry-run reports the changes a real run makes and writes nothing", () => {
    w.fixture("claude.json", "home/.claude.json");
    w.fixture("cursor-mcp.jsonc", "home/.cursor/mcp.json");
    mkdirSync(join(w.home, ".codex"));
    const before = w.snapshot();
    const dry = w.setup({ dryRun: true });
    expect(w.snapshot()).toEqual(before);
    const real = w.setup();
    const summary = (r: typeof dry) => r.clients.map((c) => [c.client, c.status, c.files.map((f) => [f.path, f.status, f.changes])]);
    expect(summary(dry)).toEqual(summary(real));
    expect(dry.clients.find((c) => c.client === "codex")!.files[0]!.status).toBe("created");
  });

  test("--client all skips clients that are not installed and names the flag that forces them", () => {
    mkdirSync(join(w.home, ".gemini"));
    const report = w.setup();
    const byId = Object.fromEntries(report.clients.map((c) => [c.client, c]));
    expect(byId.gemini!.status).toBe("ok");
    expect(byId.windsurf!.status).toBe("skipped");
    expect(byId.windsurf!.reason).toContain("--client windsurf");
    expect(existsSync(join(w.home, ".codeium"))).toBe(false);
  });

  test("a malformed file fails only its client; the others continue", () => {
    const bad = w.fixture("malformed.json", "home/.cursor/mcp.json");
    const before = w.read(bad);
    mkdirSync(join(w.home, ".gemini"));
    const report = w.setup();
    const byId = Object.fromEntries(report.clients.map((c) => [c.client, c]));
    expect(byId.cursor!.status).toBe("error");
    expect(byId.cursor!.files[0]!.error).toMatch(/malformed JSON/);
    expect(w.read(bad)).toBe(before);
    expect(byId.gemini!.status).toBe("ok");
    expect(existsSync(join(w.home, ".gemini", "settings.json"))).toBe(true);
  });

  test("user-only clients are skipped with --project", () => {
    const report = w.setup({ client: ["claude-desktop", "windsurf"], scope: "project" });
    expect(report.clients.map((c) => c.status)).toEqual(["skipped", "skipped"]);
  });

  test("with --project, a client not found is forced by a command that keeps --project; nothing written, nothing warned of (QA)", () => {
    const report = w.setup({ scope: "project", command: "no-such-cairn-on-path" });
    const code = report.clients.find((c) => c.client === "claude-code")!;
    expect(code.status).toBe("skipped");
    expect(code.reason).toContain("`cairn setup --client claude-code --project`");
    expect(report.clients.every((c) => c.status === "skipped")).toBe(true);
    // The command is not on PATH, but no file runs it: no warning about what "these files now run".
    expect(report.warnings).toEqual([]);
  });
});
