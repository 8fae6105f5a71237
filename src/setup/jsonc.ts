/**
 * @module A small JSONC reader and in-place editor. Agent config files are hand-edited (and VS Code/Cursor
 * allow comments), so cairn changes only the bytes of its own entries: everything else — key order,
 * formatting, comments, trailing commas — stays exactly as the user left it.
 * Why not Microsoft's jsonc-parser: tried as a drop-in (`modify` + `applyEdits`), its formatter re-indents
 * neighbouring entries when a property is inserted (an inline `"other": { … }` became four lines), so
 * uninstall no longer gave back the user's file byte for byte — which test/setup asserts.
 */

export type JsonPath = ReadonlyArray<string | number>;

export interface JsonNode {
  type: "object" | "array" | "string" | "number" | "boolean" | "null";
  /** Offset of the first character of the value, and one past its last. */
  offset: number;
  end: number;
  props?: Array<{ key: string; keyOffset: number; value: JsonNode }>;
  items?: JsonNode[];
}

export class JsoncError extends Error {}

export interface Tree {
  root: JsonNode | undefined;
  /** Every comment's text, so callers can check that an edit kept them all. */
  comments: string[];
}

/** Parses JSON with comments and trailing commas; throws {@link JsoncError} with line and column. */
export function parseTree(text: string): Tree {
  const comments: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    const column = i - before.lastIndexOf("\n");
    throw new JsoncError(`${what} at line ${line}, column ${column}`);
  };
  const skip = (): void => {
    for (;;) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\uFEFF") i++;
      else if (c === "/" && text[i + 1] === "/") {
        const nl = text.indexOf("\n", i);
        const stop = nl < 0 ? text.length : nl;
        comments.push(text.slice(i, stop).trimEnd());
        i = stop;
      } else if (c === "/" && text[i + 1] === "*") {
        const close = text.indexOf("*/", i + 2);
        if (close < 0) fail("Unterminated comment");
        comments.push(text.slice(i, close + 2));
        i = close + 2;
      } else return;
    }
  };
  const unexpected = (): never => fail(i >= text.length ? "Unexpected end of file" : `Unexpected ${JSON.stringify(text[i])}`);
  const string = (): JsonNode => {
    const start = i++;
    for (;;) {
      const c = text[i];
      if (c === undefined || c === "\n") fail("Unterminated string");
      if (c === "\\") i += 2;
      else if (c === '"') break;
      else i++;
    }
    i++;
    try {
      JSON.parse(text.slice(start, i));
    } catch {
      i = start;
      fail("Invalid string");
    }
    return { type: "string", offset: start, end: i };
  };
  const value = (): JsonNode => {
    skip();
    const start = i;
    const c = text[i];
    if (c === "{") {
      i++;
      const props: NonNullable<JsonNode["props"]> = [];
      for (;;) {
        skip();
        if (text[i] === "}") break;
        if (text[i] !== '"') unexpected();
        const keyNode = string();
        const key = JSON.parse(text.slice(keyNode.offset, keyNode.end)) as string;
        skip();
        if (text[i] !== ":") unexpected();
        i++;
        props.push({ key, keyOffset: keyNode.offset, value: value() });
        skip();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") unexpected();
      }
      return { type: "object", offset: start, end: ++i, props };
    }
    if (c === "[") {
      i++;
      const items: JsonNode[] = [];
      for (;;) {
        skip();
        if (text[i] === "]") break;
        items.push(value());
        skip();
        if (text[i] === ",") i++;
        else if (text[i] !== "]") unexpected();
      }
      return { type: "array", offset: start, end: ++i, items };
    }
    if (c === '"') return string();
    for (const [word, type] of [["true", "boolean"], ["false", "boolean"], ["null", "null"]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { type, offset: start, end: i };
      }
    }
    const num = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    num.lastIndex = i;
    if (num.test(text)) {
      i = num.lastIndex;
      return { type: "number", offset: start, end: i };
    }
    return unexpected();
  };
  skip();
  if (i >= text.length) return { root: undefined, comments };
  const root = value();
  skip();
  if (i < text.length) unexpected();
  return { root, comments };
}

/** The plain value of a node (duplicate keys: the last wins, as in JSON.parse). */
export function toValue(text: string, node: JsonNode): unknown {
  if (node.type === "object") {
    const out: Record<string, unknown> = {};
    for (const p of node.props!) Object.defineProperty(out, p.key, { value: toValue(text, p.value), enumerable: true, writable: true, configurable: true });
    return out;
  }
  if (node.type === "array") return node.items!.map((n) => toValue(text, n));
  return JSON.parse(text.slice(node.offset, node.end));
}

/** Parses JSONC text to a value; empty (or comment-only) text is `undefined`. */
export function parseJsonc(text: string): unknown {
  const { root } = parseTree(text);
  return root === undefined ? undefined : toValue(text, root);
}

interface Edit {
  offset: number;
  length: number;
  content: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.content + out.slice(e.offset + e.length);
  return out;
}

/** The indentation unit the file already uses (tab, or the smallest space run), default two spaces. */
function indentUnit(text: string): string {
  if (/^\t/m.test(text)) return "\t";
  const sizes = [...text.matchAll(/^( +)["{}\[\]\w]/gm)].map((m) => m[1]!.length);
  return " ".repeat(sizes.length > 0 ? Math.min(...sizes) : 2);
}

const lineStart = (text: string, at: number): number => text.lastIndexOf("\n", at - 1) + 1;
const lineIndent = (text: string, at: number): string => /^[ \t]*/.exec(text.slice(lineStart(text, at), at))![0];
const startsLine = (text: string, at: number): boolean => text.slice(lineStart(text, at), at).trim() === "";

function serialize(value: unknown, indent: string, unit: string, inline: boolean): string {
  if (inline) return JSON.stringify(value);
  return JSON.stringify(value, null, unit).replace(/\n/g, `\n${indent}`);
}

function nest(rest: JsonPath, value: unknown): unknown {
  let out = value;
  for (let k = rest.length - 1; k >= 0; k--) {
    const seg = rest[k]!;
    if (typeof seg !== "string") throw new JsoncError(`cannot create a list entry at ${String(seg)}`);
    out = { [seg]: out };
  }
  return out;
}

const isInline = (text: string, node: JsonNode): boolean => !text.slice(node.offset, node.end).includes("\n");

/** Sets the value at `path` (creating missing objects; index -1 appends to a list) and returns the new text. */
export function setAt(text: string, path: JsonPath, value: unknown): string {
  const unit = indentUnit(text);
  const { root } = parseTree(text);
  if (root === undefined) {
    const doc = `${JSON.stringify(nest(path, value), null, unit)}\n`;
    return text.trim() === "" ? doc : `${text.trimEnd()}\n${doc}`;
  }
  let node = root;
  for (let k = 0; k < path.length; k++) {
    const seg = path[k]!;
    const last = k === path.length - 1;
    let child: JsonNode | undefined;
    let childStart = 0;
    if (node.type === "object" && typeof seg === "string") {
      const prop = node.props!.findLast((p) => p.key === seg);
      if (!prop) return insert(text, node, `${JSON.stringify(seg)}: `, nest(path.slice(k + 1), value), unit);
      child = prop.value;
      childStart = prop.keyOffset;
    } else if (node.type === "array" && typeof seg === "number") {
      const items = node.items!;
      if (seg === -1 || seg === items.length) {
        if (!last) throw new JsoncError("cannot append below a new list entry");
        return insert(text, node, "", value, unit);
      }
      child = items[seg];
      if (!child) throw new JsoncError(`no list entry ${seg}`);
      childStart = child.offset;
    } else {
      throw new JsoncError(`${path.slice(0, k).join(".") || "the top level"} is not ${typeof seg === "string" ? "an object" : "a list"}`);
    }
    if (last) {
      const content = serialize(value, lineIndent(text, childStart), unit, isInline(text, node));
      return applyEdits(text, [{ offset: child.offset, length: child.end - child.offset, content }]);
    }
    node = child;
  }
  throw new JsoncError("empty path");
}

function insert(text: string, node: JsonNode, keyText: string, value: unknown, unit: string): string {
  const children = node.type === "object" ? node.props!.map((p) => ({ start: p.keyOffset, end: p.value.end })) : node.items!.map((n) => ({ start: n.offset, end: n.end }));
  const base = lineIndent(text, node.offset);
  const lastChild = children.at(-1);
  if (!lastChild) {
    const inner = text.slice(node.offset + 1, node.end - 1);
    const indent = base + unit;
    const member = `${keyText}${serialize(value, indent, unit, false)}`;
    if (inner.trim() === "") return applyEdits(text, [{ offset: node.offset + 1, length: inner.length, content: `\n${indent}${member}\n${base}` }]);
    return applyEdits(text, [{ offset: node.offset + 1, length: 0, content: `\n${indent}${member}` }]);
  }
  if (isInline(text, node)) return applyEdits(text, [{ offset: lastChild.end, length: 0, content: `, ${keyText}${serialize(value, "", unit, true)}` }]);
  const indent = startsLine(text, lastChild.start) ? lineIndent(text, lastChild.start) : base + unit;
  return applyEdits(text, [{ offset: lastChild.end, length: 0, content: `,\n${indent}${keyText}${serialize(value, indent, unit, false)}` }]);
}

/** Offset of the next non-whitespace, non-comment character at or after `at`. */
function nextToken(text: string, at: number): number {
  let i = at;
  for (;;) {
    if (/\s|\uFEFF/.test(text[i] ?? "")) i++;
    else if (text.startsWith("//", i)) i = text.indexOf("\n", i) < 0 ? text.length : text.indexOf("\n", i);
    else if (text.startsWith("/*", i)) i = text.indexOf("*/", i) + 2;
    else return i;
  }
}

/** Removes the member at `path` (and the comma that separated it) and returns the new text; absent → unchanged. */
export function removeAt(text: string, path: JsonPath): string {
  const { root } = parseTree(text);
  let node = root;
  for (let k = 0; node && k < path.length - 1; k++) {
    const seg = path[k]!;
    node = node.type === "object" ? node.props!.findLast((p) => p.key === seg)?.value : node.type === "array" && typeof seg === "number" ? node.items![seg] : undefined;
  }
  if (!node) return text;
  const seg = path.at(-1);
  const children = node.type === "object" ? node.props!.map((p) => ({ key: p.key as string | number, start: p.keyOffset, end: p.value.end })) : node.type === "array" ? node.items!.map((n, idx) => ({ key: idx as string | number, start: n.offset, end: n.end })) : [];
  const idx = children.findLastIndex((c) => c.key === seg);
  const child = children[idx];
  if (!child) return text;
  const edits: Edit[] = [];
  const comma = nextToken(text, child.end);
  let start = startsLine(text, child.start) ? lineStart(text, child.start) : child.start;
  let end = child.end;
  if (text[comma] === ",") {
    end = comma + 1;
    const rest = /^[ \t]*\r?\n/.exec(text.slice(end));
    if (rest && start === lineStart(text, child.start)) end += rest[0].length;
  } else if (idx > 0) {
    const before = nextToken(text, children[idx - 1]!.end);
    if (text[before] === "," && !startsLine(text, child.start) && text.slice(before + 1, child.start).trim() === "") start = before;
    else {
      if (text[before] === ",") edits.push({ offset: before, length: 1, content: "" });
      if (start === lineStart(text, child.start) && start > 0) start -= text[start - 2] === "\r" ? 2 : 1;
    }
  } else {
    const inner = text.slice(node.offset + 1, node.end - 1);
    if (inner.slice(0, child.start - node.offset - 1).trim() === "" && inner.slice(child.end - node.offset - 1).trim() === "") {
      return applyEdits(text, [{ offset: node.offset + 1, length: inner.length, content: "" }]);
    }
  }
  edits.push({ offset: start, length: end - start, content: "" });
  return applyEdits(text, edits);
}
