/**
 * @module JSON/JSONC config targets: parse (malformed → error, file untouched), turn a list of set/remove
 * operations into in-place text edits, then re-parse and check the result is exactly the intended value
 * and every comment survived — if not, refuse rather than risk the user's file.
 */
import { type JsonPath, JsoncError, parseJsonc, parseTree, removeAt, setAt } from "./jsonc.ts";
import { type Change, type FileTarget, type SetupContext, SetupFileError } from "./plan.ts";

export type JsonObject = Record<string, unknown>;

export type Op = { kind: "set"; path: JsonPath; value: unknown } | { kind: "remove"; path: JsonPath };

export interface OpsResult {
  ops: Op[];
  changes: Change[];
}

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Order-sensitive deep equality: key order is part of what cairn promises to keep. */
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A JSON file target whose edits are computed from its parsed value. */
export function jsonTarget(path: string, purpose: "mcp" | "hooks", newMode: number, compute: (value: JsonObject) => OpsResult): FileTarget {
  return {
    path,
    purpose,
    newMode,
    edit(current) {
      const text = current ?? "";
      let value: unknown;
      try {
        value = parseJsonc(text);
      } catch (err) {
        throw new SetupFileError(`malformed JSON (${(err as Error).message}); fix it by hand — cairn left it untouched`);
      }
      if (value !== undefined && !isObject(value)) throw new SetupFileError("the top level is not a JSON object; cairn left it untouched");
      const before = (value ?? {}) as JsonObject;
      const { ops, changes } = compute(before);
      if (ops.length === 0) return { text, changes };
      return { text: applyOps(text, before, ops), changes };
    },
  };
}

/** Applies operations to the text, verifying the outcome against the same operations applied to the value. */
export function applyOps(text: string, value: JsonObject, ops: Op[]): string {
  let out = text;
  const expected = structuredClone(value);
  try {
    for (const op of ops) {
      out = op.kind === "set" ? setAt(out, op.path, op.value) : removeAt(out, op.path);
      applyToValue(expected, op);
    }
  } catch (err) {
    if (err instanceof JsoncError) throw new SetupFileError(`cannot edit safely: ${err.message}; cairn left it untouched`);
    throw err;
  }
  // A file written with Windows line ends keeps them: the lines setup adds came with "\n" alone (QA).
  if (text.includes("\r\n")) out = out.replace(/\r?\n/g, "\r\n");
  if (!sameJson(parseJsonc(out) ?? {}, expected)) throw new SetupFileError("an in-place edit did not give the intended result; cairn left the file untouched");
  if (ops.every((o) => o.kind === "set")) {
    const left = parseTree(out).comments;
    for (const c of parseTree(text).comments) {
      const at = left.indexOf(c);
      if (at < 0) throw new SetupFileError("an edit would lose a comment; cairn left the file untouched");
      left.splice(at, 1);
    }
  }
  return out;
}

function applyToValue(root: JsonObject, op: Op): void {
  let node: unknown = root;
  for (let k = 0; k < op.path.length - 1; k++) {
    const seg = op.path[k]!;
    const container = node as Record<string | number, unknown>;
    if (container[seg] === undefined && op.kind === "set") container[seg] = {};
    node = container[seg];
    if (node === undefined) return;
  }
  const last = op.path.at(-1)!;
  if (Array.isArray(node)) {
    const idx = last as number;
    if (op.kind === "remove") node.splice(idx, 1);
    else if (idx === -1 || idx === node.length) node.push(op.value);
    else node[idx] = op.value;
  } else if (isObject(node)) {
    if (op.kind === "remove") delete node[last];
    else node[last] = op.value;
  }
}

/**
 * Operations that register (or unregister) the "cairn" server under `container` (e.g. ["mcpServers"]).
 * Only the fields cairn owns are set, so a user's own additions to the entry (env, timeout) survive.
 */
export function mcpServerOps(value: JsonObject, container: string, entry: JsonObject, uninstall: boolean): OpsResult {
  const servers = value[container];
  if (servers !== undefined && !isObject(servers)) throw new SetupFileError(`"${container}" is not a JSON object; cairn left the file untouched`);
  const existing = servers?.cairn;
  const key = `${container}.cairn`;
  if (uninstall) {
    if (existing === undefined) return { ops: [], changes: [] };
    // Drop the container too when cairn was its only entry, so the file means what it meant before setup.
    const path = Object.keys(servers!).length === 1 ? [container] : [container, "cairn"];
    return { ops: [{ kind: "remove", path }], changes: [{ action: "removed", key }] };
  }
  if (!isObject(existing)) {
    const value = withoutUnset(entry);
    return { ops: [{ kind: "set", path: [container, "cairn"], value }], changes: [{ action: existing === undefined ? "added" : "updated", key, detail: describeEntry(value) }] };
  }
  const ops: Op[] = [];
  const changes: Change[] = [];
  for (const [k, v] of Object.entries(entry)) {
    if (sameJson(existing[k], v) || keepsOwnArgs(k, existing[k])) continue;
    // The entry's environment is merged variable by variable: the user's own variables stay.
    if (k === "env" && isObject(v)) {
      envOps([container, "cairn", "env"], isObject(existing.env) ? existing.env : undefined, v as Record<string, string | null>, `${key}.env`, ops, changes);
      continue;
    }
    ops.push({ kind: "set", path: [container, "cairn", k], value: v });
    changes.push({ action: existing[k] === undefined ? "added" : "updated", key: `${key}.${k}`, detail: JSON.stringify(v) });
  }
  return { ops, changes };
}

/**
 * Whether an entry's `args` are the user's own way of running `cairn mcp` (`["mcp", "--project", "payments"]`),
 * which setup leaves as they are (QA M3: a hand-written project pin was lost).
 */
export const keepsOwnArgs = (key: string, mine: unknown): boolean => key === "args" && Array.isArray(mine) && mine[0] === "mcp";

/** cairn's MCP entry: `base` (command, args…), with the environment `ctx.dataEnv` names (null: to be taken out). */
export function mcpEntry(ctx: Pick<SetupContext, "dataEnv">, base: JsonObject): JsonObject {
  return Object.keys(ctx.dataEnv).length > 0 ? { ...base, env: ctx.dataEnv } : base;
}

/** `mine` (an entry's environment) with `wanted`'s values set and its null ones taken out. */
export function mergedEnv(mine: Readonly<Record<string, unknown>>, wanted: Readonly<Record<string, string | null>>): Record<string, unknown> {
  const out = { ...mine };
  for (const [name, value] of Object.entries(wanted)) {
    if (value === null) delete out[name];
    else out[name] = value;
  }
  return out;
}

/** The operations that make the environment at `path` (`mine`, if any) {@link mergedEnv}'s, one variable at a time. */
function envOps(path: JsonPath, mine: JsonObject | undefined, wanted: Record<string, string | null>, key: string, ops: Op[], changes: Change[]): void {
  const merged = mergedEnv(mine ?? {}, wanted);
  if (Object.keys(merged).length === 0) {
    if (mine && Object.keys(mine).length > 0) {
      ops.push({ kind: "remove", path });
      changes.push({ action: "removed", key, detail: Object.keys(mine).join(", ") });
    }
    return;
  }
  if (!mine) {
    ops.push({ kind: "set", path, value: merged });
    changes.push({ action: "added", key, detail: JSON.stringify(merged) });
    return;
  }
  for (const name of new Set([...Object.keys(mine), ...Object.keys(merged)])) {
    if (sameJson(mine[name], merged[name])) continue;
    if (merged[name] === undefined) {
      ops.push({ kind: "remove", path: [...path, name] });
      changes.push({ action: "removed", key: `${key}.${name}` });
    } else {
      ops.push({ kind: "set", path: [...path, name], value: merged[name] });
      changes.push({ action: mine[name] === undefined ? "added" : "updated", key: `${key}.${name}`, detail: JSON.stringify(merged[name]) });
    }
  }
}

/** `entry` without the variables it asks to take out (a new entry has none to take out), and no empty `env`. */
function withoutUnset(entry: JsonObject): JsonObject {
  if (!isObject(entry.env)) return entry;
  const env = mergedEnv({}, entry.env as Record<string, string | null>);
  const { env: _env, ...rest } = entry;
  return Object.keys(env).length > 0 ? { ...rest, env } : rest;
}

const describeEntry = (entry: JsonObject): string =>
  [...Object.entries(isObject(entry.env) ? entry.env : {}).map(([k, v]) => `${k}=${String(v)}`), entry.command, ...((entry.args as string[] | undefined) ?? [])].join(" ");
