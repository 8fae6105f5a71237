/**
 * @module The error catalog as readers see it: no message ends a sentence twice (".."), and nothing an MCP
 * agent reads tells it to use CLI flags; it names tool arguments instead.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cairnError, ERROR_CODES, renderMessage } from "../../src/errors.ts";

/** Arguments as callers pass them: some are whole sentences with their own period. */
const ARG_SETS: ReadonlyArray<ReadonlyArray<string | number>> = [
  ["x", "y", "z", "w"],
  ["a sentence.", "another one.", "third.", "fourth."],
  [12, "value", "Cannot read it (see `cairn doctor`).", ""],
];
const CLI_FLAG = /(^|[\s`(])--?[a-z][a-z-]*/;

describe("error catalog", () => {
  test("no rendering of any message contains '..'", () => {
    const doubled: string[] = [];
    for (const code of ERROR_CODES) {
      for (const audience of ["cli", "mcp"] as const) {
        for (const args of ARG_SETS) {
          const message = renderMessage(code, args, audience);
          if (message.includes("..")) doubled.push(`${code}/${audience}: ${message}`);
        }
      }
    }
    expect(doubled).toEqual([]);
  });

  test("a sentence given as an argument keeps its period when the template does not add one", () => {
    expect(cairnError("USAGE", ["Give a value."]).message).toBe("Give a value.");
    expect(cairnError("BAD_IMPORT_LINE", [3, "Unknown memory type \"x\"."]).message).toBe(
      'Import stopped at line 3: Unknown memory type "x". Nothing was imported; fix that line and run the import again.',
    );
  });

  test("messages rendered for MCP name no CLI flags", () => {
    const withFlags = ERROR_CODES.filter((c) => c !== "USAGE")
      .map((code) => renderMessage(code, ["id", "value", "detail", "more"], "mcp"))
      .filter((m) => CLI_FLAG.test(m));
    expect(withFlags).toEqual([]);
  });

  test("the CLI wording keeps its flags (the MCP wording is a different text, not a stripped one)", () => {
    const err = cairnError("NOTHING_TO_UPDATE");
    expect(err.message).toContain("--type");
    expect(err.forMcp().message).toContain("`event_time`");
    expect(err.forMcp().code).toBe("NOTHING_TO_UPDATE");
    expect(cairnError("NOT_FOUND", ["abc"]).forMcp().message).toBe('No memory with id "abc". Use the `recall` or `list` tool to find the right id.');
  });

  test("free-text usage errors thrown below the CLI (engine, MCP, retrieval, store) name no CLI flags", () => {
    const root = join(import.meta.dir, "..", "..", "src");
    const offenders: string[] = [];
    for (const dir of ["engine", "mcp", "mcp/tools", "retrieve", "store", "domain", "capture"]) {
      for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith(".ts"))) {
        const source = readFileSync(join(root, dir, file), "utf8");
        for (const call of source.matchAll(/cairnError\(\s*"USAGE",\s*\[([\s\S]*?)\]\s*\)/g)) {
          if (CLI_FLAG.test(call[1]!)) offenders.push(`${dir}/${file}: ${call[1]!.trim()}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
