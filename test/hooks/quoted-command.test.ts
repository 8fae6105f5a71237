/** @module Which notes quote a command: a run of its words in order that reaches past its program and first argument. */
import { describe, expect, test } from "bun:test";
import { headCutByFlag } from "../../src/hooks/command.ts";
import { commandTokens, quotesCommand } from "../../src/hooks/quoted-command.ts";
import { commandWords } from "../../src/hooks/governing.ts";

const quotes = (note: string, command: string) => quotesCommand(note, commandTokens(command));

describe("quoted command", () => {
  test("the lead is the program and its first argument that is not a flag; wrappers and VAR=value are dropped", () => {
    expect(commandTokens("sudo FOO=1 pnpm -F web test:e2e")).toEqual({ tokens: ["pnpm", "-f", "web", "test:e2e"], leadEnd: 3 });
    expect(commandTokens("cd app && cargo build --release")).toEqual({ tokens: ["cargo", "build", "--release"], leadEnd: 2 });
  });

  test("a run of two words reaching past the lead counts, in backticks or prose, whatever the punctuation", () => {
    expect(quotes("Someone ran `prisma db push` against staging.", "pnpm -F db exec prisma db push")).toBe(true);
    expect(quotes("Deploy: fly deploy -c infra/fly/prod.toml, then check /healthz.", "fly deploy -c infra/fly/prod.toml")).toBe(true);
  });

  test("the lead alone, a flag past it, one word, or words out of order do not", () => {
    expect(quotes("Run `pnpm -F web test` before pushing.", "pnpm -F web dev")).toBe(false);
    expect(quotes("cargo build --release is slow on CI.", "cargo build --release")).toBe(false);
    expect(quotes("push the db schema with prisma", "prisma db push")).toBe(false);
    expect(quotes("anything at all", "ansible-lint")).toBe(false);
  });

  test("a head cut to its program by a flag, with more words after", () => {
    expect(headCutByFlag("pnpm -F db exec prisma db push")).toBe(true);
    expect(headCutByFlag("julia --project=. -e 'using Pkg'")).toBe(true);
    expect(headCutByFlag("tflint --recursive")).toBe(false);
    expect(headCutByFlag("ansible-lint")).toBe(false);
    expect(headCutByFlag("cargo build --release")).toBe(false);
  });
});

describe("command words", () => {
  test("a program named like an object property (constructor, toString) is read as any other", () => {
    for (const program of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expect(commandWords(`${program} install thing`).program).toBe(program.toLowerCase());
      expect(commandWords(`${program} install thing`).packages).toEqual([]);
    }
    expect(commandWords("npm install lodash").packages).toEqual(["lodash"]);
  });
});
