/** @module The JSONC editor under `cairn setup`: parse errors with positions, and edits that touch only their own bytes. */
import { describe, expect, test } from "bun:test";
import { applyOps, type JsonObject } from "../../src/setup/json-file.ts";
import { JsoncError, parseJsonc, parseTree, removeAt, setAt } from "../../src/setup/jsonc.ts";

describe("parse", () => {
  test("reads comments and trailing commas like JSON.parse reads plain JSON", () => {
    expect(parseJsonc('// c\n{ "a": [1, 2,], /* x */ "b": { "c": null, }, }')).toEqual({ a: [1, 2], b: { c: null } });
    expect(parseTree('{ "a": 1 } // end').comments).toEqual(["// end"]);
    const text = '{"n": -1.5e3, "s": "é\\n\\u0041", "t": true, "f": false, "nested": [{}, []]}';
    expect(parseJsonc(text)).toEqual(JSON.parse(text));
  });

  test("errors name the line and column", () => {
    expect(() => parseJsonc('{\n  "a": 1\n  "b": 2\n}')).toThrow(new JsoncError('Unexpected "\\"" at line 3, column 3'));
    expect(() => parseJsonc('{ "a": ')).toThrow(/Unexpected end of file/);
    expect(() => parseJsonc("{} {}")).toThrow(JsoncError);
    expect(parseJsonc("  \n// nothing\n")).toBeUndefined();
  });
});

describe("edit", () => {
  test("set adds a key after the last member, in the file's own indentation", () => {
    expect(setAt('{\n    "a": 1\n}\n', ["b"], { c: 2 })).toBe('{\n    "a": 1,\n    "b": {\n        "c": 2\n    }\n}\n');
    expect(setAt('{"a":1}', ["b"], [1])).toBe('{"a":1, "b": [1]}');
  });

  test("set replaces only the value's bytes", () => {
    const text = '{\n  // keep\n  "a": "old", // and this\n  "b": 2\n}';
    expect(setAt(text, ["a"], "new")).toBe('{\n  // keep\n  "a": "new", // and this\n  "b": 2\n}');
  });

  test("set appends to a list with index -1 and refuses to walk through a non-object", () => {
    expect(parseJsonc(setAt('{ "l": [1] }', ["l", -1], 2))).toEqual({ l: [1, 2] });
    expect(() => setAt('{ "a": "str" }', ["a", "b"], 1)).toThrow(/not an object/);
  });

  test("remove takes the member and its comma, wherever it is, and leaves comments elsewhere", () => {
    const text = '{\n  "a": 1, // about a\n  "b": 2,\n  "c": 3\n}';
    expect(removeAt(text, ["b"])).toBe('{\n  "a": 1, // about a\n  "c": 3\n}');
    expect(removeAt(text, ["c"])).toBe('{\n  "a": 1, // about a\n  "b": 2\n}');
    // A comment after the removed member's comma is kept: cairn never deletes a user's comment it cannot attribute.
    expect(removeAt(text, ["a"])).toBe('{\n // about a\n  "b": 2,\n  "c": 3\n}');
    expect(removeAt('{ "x": 1 }', ["x"])).toBe("{}");
    expect(removeAt('{ "x": 1 }', ["missing"])).toBe('{ "x": 1 }');
    expect(parseJsonc(removeAt("[1, 2, 3]", [1]))).toEqual([1, 3]);
  });

  test("a file with Windows line ends keeps them through an edit, and add then remove gives it back (QA)", () => {
    const text = '{\r\n  // mine\r\n  "mcpServers": {\r\n    "other": { "command": "x" }\r\n  }\r\n}\r\n';
    const added = applyOps(text, parseJsonc(text) as JsonObject, [{ kind: "set", path: ["mcpServers", "cairn"], value: { command: "/bin/cairn", args: ["mcp"] } }]);
    expect(added.replace(/\r\n/g, "")).not.toContain("\n");
    expect(parseJsonc(added)).toEqual({ mcpServers: { other: { command: "x" }, cairn: { command: "/bin/cairn", args: ["mcp"] } } });
    expect(applyOps(added, parseJsonc(added) as JsonObject, [{ kind: "remove", path: ["mcpServers", "cairn"] }])).toBe(text);
  });

  test("add then remove gives back the original text", () => {
    for (const text of ['{\n  "a": {}\n}\n', '{\n\t"a": {\n\t\t"b": 1\n\t}\n}', '{"a":{"b":1}}', '{\n  "a": {\n    "b": 1,\n  },\n}']) {
      expect(removeAt(setAt(text, ["a", "cairn"], { command: "/x" }), ["a", "cairn"])).toBe(text);
    }
  });
});
