/**
 * @module Codex: the `[mcp_servers.cairn]` table in `~/.codex/config.toml` (or CODEX_HOME, or the project's
 * `.codex/config.toml`). TOML is edited as text — only cairn's own table is appended, changed or removed,
 * so the user's comments and layout survive — and the result is parsed to check it means what was meant.
 */
import { join } from "node:path";
import { keepsOwnArgs, mergedEnv, sameJson } from "./json-file.ts";
import { exists, fileMode } from "./locations.ts";
import { type Change, type ClientSetup, type SetupContext, SetupFileError } from "./plan.ts";

export const codexFile = (ctx: SetupContext): string =>
  ctx.scope === "project" ? join(ctx.projectDir, ".codex", "config.toml") : join(ctx.env.CODEX_HOME || join(ctx.home, ".codex"), "config.toml");

type Table = Record<string, unknown>;

function parseToml(text: string): Table {
  try {
    return Bun.TOML.parse(text) as Table;
  } catch (err) {
    throw new SetupFileError(`malformed TOML (${(err as Error).message}); fix it by hand — cairn left it untouched`);
  }
}

/** A TOML basic string; JSON's escapes are a subset of TOML's. */
const tomlString = (s: string): string => JSON.stringify(s);

const HEADER = /^\s*\[\s*mcp_servers\s*\.\s*(?:cairn|"cairn"|'cairn')\s*(\]|\.)/;
const ANY_HEADER = /^\s*\[/;

/** Line range [start, end) of cairn's table and its sub-tables (e.g. `[mcp_servers.cairn.env]`), or undefined. */
function cairnBlock(lines: string[]): { start: number; end: number; bodyEnd: number } | undefined {
  const start = lines.findIndex((l) => HEADER.test(l) && HEADER.exec(l)![1] === "]");
  if (start < 0) return undefined;
  let end = start + 1;
  let bodyEnd = -1;
  while (end < lines.length && (!ANY_HEADER.test(lines[end]!) || HEADER.test(lines[end]!))) {
    if (bodyEnd < 0 && ANY_HEADER.test(lines[end]!)) bodyEnd = end;
    end++;
  }
  // Blank lines and comments just above the next table belong to it, not to cairn.
  while (end > start + 1 && /^\s*(#.*)?$/.test(lines[end - 1]!) && end < lines.length) end--;
  return { start, end, bodyEnd: bodyEnd < 0 ? end : bodyEnd };
}

const serversOf = (table: Table): Table | undefined => table.mcp_servers as Table | undefined;

/** `env = { CAIRN_HOME = "…" }`: the inline table of the variables cairn's entry must set. */
const envLine = (env: Record<string, string>): string => `env = { ${Object.entries(env).map(([k, v]) => `${k} = ${tomlString(v)}`).join(", ")} }`;

/**
 * `dataEnv`: the variables cairn's entry must set, or (null) must not (SetupContext.dataEnv). An `env` inline
 * table or `[mcp_servers.cairn.env]` sub-table is edited variable by variable: the user's own variables stay.
 */
export function editCodex(current: string | null, command: string, uninstall: boolean, dataEnv: Record<string, string | null> = {}): { text: string; changes: Change[] } {
  const text = current ?? "";
  const parsed = parseToml(text);
  const existing = serversOf(parsed)?.cairn as Table | undefined;
  const wanted: Table = { command, args: ["mcp"] };
  const setting = mergedEnv({}, dataEnv) as Record<string, string>;
  const needsEnv = Object.keys(setting).length > 0;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const block = cairnBlock(lines);
  let out: string;
  const changes: Change[] = [];
  if (uninstall) {
    if (existing === undefined) return { text, changes };
    if (!block) throw new SetupFileError("cairn is defined inline (not as a [mcp_servers.cairn] table); remove it by hand");
    const before = lines.slice(0, block.start);
    const after = lines.slice(block.end);
    // Drop the blank line that separated cairn's table, so a setup + uninstall round trip leaves no gap.
    if (after.every((l) => l.trim() === "")) {
      while (before.length > 0 && before.at(-1)!.trim() === "") before.pop();
      out = before.length > 0 ? `${before.join(eol)}${eol}` : "";
    } else {
      if (before.at(-1)?.trim() === "") before.pop();
      else if (before.length === 0 && after[0]?.trim() === "") after.shift();
      out = [...before, ...after].join(eol);
    }
    changes.push({ action: "removed", key: "mcp_servers.cairn" });
  } else if (existing === undefined) {
    // TOML lets no table extend an inline one: the user's servers must be edited by hand, or written as tables (QA:
    // a valid file was called malformed).
    if (lines.some((l) => /^\s*mcp_servers\s*=/.test(l))) {
      throw new SetupFileError(
        `mcp_servers is an inline table (\`mcp_servers = { … }\`), which no [mcp_servers.cairn] table may extend; add \`cairn = { command = ${tomlString(command)}, args = ["mcp"] }\` inside it by hand, or write your servers as [mcp_servers.<name>] tables — cairn left the file untouched`,
      );
    }
    const env = needsEnv ? `${envLine(setting)}${eol}` : "";
    const table = `[mcp_servers.cairn]${eol}command = ${tomlString(command)}${eol}args = ["mcp"]${eol}${env}`;
    const body = text.replace(/\s+$/, "");
    out = body === "" ? table : `${body}${eol}${eol}${table}`;
    changes.push({ action: "added", key: "mcp_servers.cairn", detail: `${Object.entries(setting).map(([k, v]) => `${k}=${v} `).join("")}${command} mcp` });
  } else {
    const differing = Object.entries(wanted).filter(([k, v]) => !sameJson(existing[k], v) && !keepsOwnArgs(k, existing[k]));
    const env = (existing.env as Table | undefined) ?? {};
    const envEdits = Object.entries(dataEnv).filter(([k, v]) => (v === null ? env[k] !== undefined : env[k] !== v));
    if (differing.length === 0 && envEdits.length === 0) return { text, changes };
    if (!block) throw new SetupFileError("cairn is defined inline (not as a [mcp_servers.cairn] table); update it by hand");
    const next = [...lines];
    for (const [k, v] of differing) {
      const line = `${k} = ${k === "command" ? tomlString(v as string) : '["mcp"]'}`;
      const at = next.slice(block.start + 1, block.bodyEnd).findIndex((l) => new RegExp(`^\\s*${k}\\s*=`).test(l));
      if (at >= 0) next[block.start + 1 + at] = line;
      else next.splice(block.start + 1, 0, line);
      changes.push({ action: existing[k] === undefined ? "added" : "updated", key: `mcp_servers.cairn.${k}`, detail: JSON.stringify(v) });
    }
    if (envEdits.length > 0) editEnv(next, env, envEdits, changes);
    out = next.join(eol);
  }
  const kept = keepsOwnArgs("args", existing?.args) ? { args: existing!.args } : {};
  const env = mergedEnv((existing?.env as Table | undefined) ?? {}, dataEnv);
  verify(parsed, out, uninstall ? undefined : { ...wanted, ...kept, ...(Object.keys(env).length > 0 ? { env } : {}) }, existing?.env !== undefined && Object.keys(env).length === 0);
  return { text: out, changes };
}

/**
 * Applies `edits` (a value to set, null to take out) to cairn's `env` in `lines` (edited in place): its inline
 * table on one line rewritten, or its `[mcp_servers.cairn.env]` sub-table's lines; a new inline table when
 * there is neither.
 */
function editEnv(lines: string[], env: Table, edits: ReadonlyArray<[string, string | null]>, changes: Change[]): void {
  const block = cairnBlock(lines)!;
  for (const [k, v] of edits) changes.push({ action: v === null ? "removed" : env[k] === undefined ? "added" : "updated", key: `mcp_servers.cairn.env.${k}`, ...(v === null ? {} : { detail: JSON.stringify(v) }) });
  const inline = lines.slice(block.start + 1, block.bodyEnd).findIndex((l) => /^\s*env\s*=/.test(l));
  if (inline >= 0 || Object.keys(env).length === 0) {
    const merged = Object.fromEntries(Object.entries(mergedEnv(env, Object.fromEntries(edits))).map(([k, v]) => [k, String(v)]));
    const at = inline >= 0 ? block.start + 1 + inline : block.start + 1;
    if (inline >= 0 && !/\}\s*(#.*)?$/.test(lines[at]!)) throw new SetupFileError("cairn's env spans several lines; set CAIRN_HOME in it by hand");
    const line = Object.keys(merged).length > 0 ? [envLine(merged)] : [];
    lines.splice(at, inline >= 0 ? 1 : 0, ...line);
    return;
  }
  const header = lines.findIndex((l, i) => i >= block.bodyEnd && i < block.end && /^\s*\[\s*mcp_servers\s*\.\s*(?:cairn|"cairn"|'cairn')\s*\.\s*env\s*\]/.test(l));
  if (header < 0) throw new SetupFileError("cairn's env is defined in a way cairn cannot edit; set CAIRN_HOME in it by hand");
  for (const [k, v] of edits) {
    let end = header + 1;
    while (end < lines.length && !/^\s*\[/.test(lines[end]!)) end++;
    const at = lines.slice(header + 1, end).findIndex((l) => new RegExp(`^\\s*["']?${k}["']?\\s*=`).test(l));
    if (v === null) {
      if (at >= 0) lines.splice(header + 1 + at, 1);
    } else if (at >= 0) lines[header + 1 + at] = `${k} = ${tomlString(v)}`;
    else lines.splice(header + 1, 0, `${k} = ${tomlString(v)}`);
  }
}

/** The edited text must parse to the original plus (or minus) exactly cairn's entry. */
function verify(before: Table, text: string, wanted: Table | undefined, envEmptied = false): void {
  const after = parseToml(text);
  const expected = structuredClone(before);
  const servers = (serversOf(expected) ?? {}) as Table;
  if (wanted === undefined) delete servers.cairn;
  else servers.cairn = { ...((servers.cairn as Table | undefined) ?? {}), ...wanted };
  // An env whose last variable was taken out: an empty sub-table may stay (its header), an inline one goes.
  if (envEmptied && wanted !== undefined) {
    const cairn = servers.cairn as Table;
    const afterEnv = ((serversOf(after)?.cairn as Table | undefined)?.env as Table | undefined) ?? undefined;
    if (afterEnv && Object.keys(afterEnv).length === 0) cairn.env = {};
    else delete cairn.env;
  }
  if (wanted !== undefined || serversOf(expected)) expected.mcp_servers = servers;
  const normalise = (t: Table): Table => {
    const s = serversOf(t);
    if (s && Object.keys(s).length === 0) delete t.mcp_servers;
    return t;
  };
  if (!sameJson(canonical(normalise(after)), canonical(normalise(expected)))) {
    throw new SetupFileError("editing config.toml as text did not give the intended result; cairn left it untouched");
  }
}

/** Key order is not meaningful after a TOML parse (tables may be split), so compare sorted. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object" && !(v instanceof Date)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Table)[k])]));
  return v;
}

export const codex: ClientSetup = {
  id: "codex",
  name: "Codex",
  scopes: ["user", "project"],
  detect: (ctx) => exists(ctx.env.CODEX_HOME || join(ctx.home, ".codex")),
  targets: (ctx) => [{ path: codexFile(ctx), purpose: "mcp", newMode: fileMode(ctx), edit: (current) => editCodex(current, ctx.command, ctx.uninstall, ctx.dataEnv) }],
  // Codex hooks want Codex-clean JSON output (Stop must print JSON; extra fields fail validation).
  notes: (ctx) =>
    ctx.uninstall ? [] : ["Codex hooks are not registered (Codex validates hook output strictly and has no SessionEnd); MCP only.", ...(ctx.scope === "project" ? ["Codex reads a project's .codex/config.toml only in trusted projects."] : [])],
};
