/** @module CAIRN_HOME as written in an MCP client's JSON env: `~/…` is the home folder's, any other relative path is refused (config/paths.ts). */
import { describe, expect, test } from "bun:test";
import { resolveCacheDir } from "../../src/config/cache-dir.ts";
import { resolvePaths } from "../../src/config/paths.ts";
import { cairnErrorOf } from "../helpers/errors.ts";

describe("CAIRN_HOME", () => {
  test("a leading ~ is the home folder: nothing is made under the working directory (QA: a literal ~ folder per repository)", () => {
    expect(resolvePaths({ CAIRN_HOME: "~/cairn", HOME: "/h" }, "linux")).toMatchObject({ dataDir: "/h/cairn", dbFile: "/h/cairn/cairn.db", configFile: "/h/cairn/config.json", source: "CAIRN_HOME" });
    expect(resolveCacheDir({ CAIRN_HOME: "~/cairn", HOME: "/h" }, "linux")).toBe("/h/cairn/cache");
  });

  test("the home folder itself is refused: it would be made private and filled with cairn's files (QA)", () => {
    for (const value of ["~", "~/", "/h", "/h/"]) expect(cairnErrorOf(() => resolvePaths({ CAIRN_HOME: value, HOME: "/h" }, "linux")).code).toBe("CAIRN_HOME_IS_HOME");
  });

  test("an absolute path is kept as it is", () => {
    expect(resolvePaths({ CAIRN_HOME: "/x/~/y", HOME: "/h" }, "linux").dataDir).toBe("/x/~/y");
  });

  test("any other relative path is refused, saying what to set instead", () => {
    for (const value of ["cairn", "./cairn", "../cairn", "~other/cairn"]) {
      const err = cairnErrorOf(() => resolvePaths({ CAIRN_HOME: value, HOME: "/h" }, "linux"));
      expect(err.code).toBe("CAIRN_HOME_RELATIVE");
      expect(err.message).toContain(`"${value}"`);
      expect(err.message).toContain("absolute path");
    }
  });
});
