/** @module Codex's config.toml: cairn's `[mcp_servers.cairn]` table is appended, updated and removed as text. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { editCodex } from "../../src/setup/codex.ts";
import { backupsOf, createWorld, type World } from "./world.ts";

let w: World;
beforeEach(() => {
  w = createWorld();
});
afterEach(() => w.cleanup());

describe("codex", () => {
  test("round trip: setup keeps every comment and table; re-run is identical; uninstall restores the exact text", () => {
    const file = w.fixture("codex-config.toml", "home/.codex/config.toml");
    const original = w.read(file);
    const report = w.setup({ client: "codex" });
    expect(report.clients[0]!.files[0]!.changes).toEqual([{ action: "added", key: "mcp_servers.cairn", detail: `${w.bin} mcp` }]);
    const text = w.read(file);
    expect(text.startsWith(original)).toBe(true);
    const parsed = Bun.TOML.parse(text) as any;
    expect(parsed.mcp_servers.cairn).toEqual({ command: w.bin, args: ["mcp"] });
    expect(parsed.mcp_servers.docs.env).toEqual({ DOCS_TOKEN: "t" });
    expect(parsed.profiles.fast.model).toBe("gpt-5-mini");
    expect(backupsOf(file)).toHaveLength(1);
    expect(w.setup({ client: "codex" }).clients[0]!.files[0]!.status).toBe("unchanged");
    expect(w.read(file)).toBe(text);
    w.setup({ client: "codex", uninstall: true });
    expect(w.read(file)).toBe(original);
  });

  test("an existing cairn table in the middle is updated in place, keeping the user's env sub-table", () => {
    const text = `[mcp_servers.cairn]\ncommand = "/old/cairn"\nargs = ["mcp"]\n\n[mcp_servers.cairn.env]\nCAIRN_HOME = "/d"\n\n# after\n[other]\nx = 1\n`;
    const out = editCodex(text, "/new/cairn", false);
    expect(out.changes).toEqual([{ action: "updated", key: "mcp_servers.cairn.command", detail: '"/new/cairn"' }]);
    expect(out.text).toBe(text.replace("/old/cairn", "/new/cairn"));
    const removed = editCodex(out.text, "/new/cairn", true).text;
    expect(removed).toBe(`# after\n[other]\nx = 1\n`);
    expect(Bun.TOML.parse(removed)).toEqual({ other: { x: 1 } });
  });

  test("a cairn table running `mcp` with arguments of the user's own keeps them", () => {
    const text = `[mcp_servers.cairn]\ncommand = "/old/cairn"\nargs = ["mcp", "--project", "payments"]\n`;
    const { text: out, changes } = editCodex(text, "/usr/bin/cairn", false);
    expect(out).toBe(`[mcp_servers.cairn]\ncommand = "/usr/bin/cairn"\nargs = ["mcp", "--project", "payments"]\n`);
    expect(changes.map((c) => c.key)).toEqual(["mcp_servers.cairn.command"]);
  });

  test("malformed TOML is reported and never written", () => {
    const file = w.fixture("malformed.toml", "home/.codex/config.toml");
    const before = w.read(file);
    const report = w.setup({ client: "codex" });
    expect(report.clients[0]!.status).toBe("error");
    expect(report.clients[0]!.files[0]!.error).toMatch(/malformed TOML/);
    expect(w.read(file)).toBe(before);
  });

  test("servers written as one inline table are valid TOML: cairn says what to add by hand, not that the file is malformed (QA)", () => {
    expect(() => editCodex(`mcp_servers = { docs = { command = "docs-mcp" } }\n`, "/c", false)).toThrow(/inline table.*add `cairn = \{ command = "\/c", args = \["mcp"\] \}` inside it by hand/);
    expect(() => editCodex(`mcp_servers = { docs = { command = "docs-mcp" } }\n`, "/c", false)).not.toThrow(/malformed/);
  });

  test("an inline definition it cannot edit as a table is refused", () => {
    expect(() => editCodex(`mcp_servers = { cairn = { command = "x", args = ["mcp"] } }\n`, "/c", false)).toThrow(/inline/);
  });

  test("CODEX_HOME relocates the file; a missing file is created with just cairn's table", () => {
    const report = w.setup({ client: "codex", env: { HOME: w.home, CODEX_HOME: join(w.root, "codex-home") } });
    const file = report.clients[0]!.files[0]!.path;
    expect(file).toBe(join(w.root, "codex-home", "config.toml"));
    expect(w.read(file)).toBe(`[mcp_servers.cairn]\ncommand = ${JSON.stringify(w.bin)}\nargs = ["mcp"]\n`);
  });
});
