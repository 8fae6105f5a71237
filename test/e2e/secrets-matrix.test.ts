/**
 * @module Issue 18's check: 27 fake secrets in real formats (test/fixtures/secrets/at-rest.ts) fed through each of
 * the 14 ways text gets into cairn, each in a fresh CAIRN_HOME, then every file under CAIRN_HOME and HOME
 * (database, WAL, hook state, hooks.log) and the cache folder is searched for every secret, whole or any 12 characters of it in any
 * case. All secrets go in per entry point in a few processes, not one process per secret. A failure prints
 * the table: per entry point, how many of the 27 were kept out, and which leaked into which file.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { atRestCorpus, CONTROL } from "../fixtures/secrets/at-rest.ts";
import { CAIRN_BIN, describeRun } from "../helpers/bin.ts";
import { filesUnder } from "../helpers/files.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";
import { McpProcess } from "./mcp-process.ts";

const CORPUS = atRestCorpus();
const LINES = CORPUS.map((s) => s.line);
/** Lines in groups of `n`: a hook event carries a few secrets, so each is near the start of some cut field. */
const chunks = (n: number) => Array.from({ length: Math.ceil(LINES.length / n) }, (_, i) => LINES.slice(i * n, i * n + n));

/** A regular expression matching any 12 characters (lower case) of any of `values`, or the whole of a shorter one. */
function windows(values: readonly string[]): RegExp {
  const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const parts = new Set<string>();
  for (const v of values.map((x) => x.toLowerCase())) {
    for (let i = 0; i === 0 || i + 12 <= v.length; i++) parts.add(escape(v.slice(i, i + 12)));
  }
  return new RegExp([...parts].join("|"));
}
/** One pass per file finds whether anything leaked; the per-secret expressions then say which. */
const ANY = windows(CORPUS.flatMap((s) => s.values));
const EACH = CORPUS.map((s) => ({ name: s.name, re: windows(s.values) }));
/** Files already found clean, by content: the ONNX runtime and model each MCP server extracts (~70 MB) are read once. */
const CLEAN = new Set<bigint | number>();
/**
 * One cache folder (CAIRN_CACHE_DIR: extracted runtime and models, content-addressed) for every sandbox of
 * this file, so the 70 MB are extracted once; each scan covers it too.
 */
const CACHE = mkdtempSync(join(tmpdir(), "cairn-e2e-matrix-cache-"));

interface World {
  sb: Sandbox;
  project: string;
  cli(args: string[], stdin?: string): Promise<string>;
  hook(event: string, stdin: string, env?: Record<string, string>): Promise<void>;
  mcp<T>(fn: (call: (tool: string, args: Record<string, unknown>) => Promise<any>) => Promise<T>): Promise<T>;
}

function world(): World {
  const sb = createSandbox("cairn-e2e-matrix-");
  const project = sb.project("shop");
  // Cold hooks: every write is done when the process exits, so the scan right after sees all of it.
  const env = { CLAUDE_PROJECT_DIR: project, CAIRN_HOOK_DAEMON: "off", CAIRN_CACHE_DIR: CACHE };
  return {
    sb,
    project,
    async cli(args, stdin) {
      return (await sb.ok(args, { cwd: project, stdin, env: { CAIRN_CACHE_DIR: CACHE } })).stdout;
    },
    async hook(event, stdin, extra = {}) {
      const args = ["hook", event];
      const r = await sb.run(args, { cwd: project, stdin, env: { ...env, ...extra } });
      expect(r.exitCode, describeRun(args, r)).toBe(0);
    },
    async mcp(fn) {
      const mcp = new McpProcess(CAIRN_BIN, { home: sb.cairnHome, cwd: project, env: sb.env({ CAIRN_CACHE_DIR: CACHE }) });
      try {
        await mcp.initialize();
        return await fn(async (tool, args) => {
          const r = await mcp.call(tool, args);
          expect(r.result?.isError ?? false, `${tool}: ${JSON.stringify(r).slice(0, 1500)}`).toBe(false);
          return r.result;
        });
      } finally {
        mcp.closeStdin();
        await mcp.exited;
      }
    },
  };
}

/** Every (secret, file) pair where a secret, or any 12 characters of it in any case, is stored. */
function scan(sb: Sandbox): Array<{ name: string; file: string }> {
  const found: Array<{ name: string; file: string }> = [];
  const label = (path: string) =>
    [[sb.cairnHome, "CAIRN_HOME"], [sb.home, "HOME"], [CACHE, "CAIRN_CACHE_DIR"]].reduce((p, [dir, name]) => (p.startsWith(dir!) ? `${name}${p.slice(dir!.length)}` : p), path);
  for (const { path, bytes } of [...filesUnder(sb.cairnHome), ...filesUnder(sb.home), ...filesUnder(CACHE)]) {
    const key = Bun.hash(bytes);
    if (CLEAN.has(key)) continue;
    const text = bytes.toString("latin1").toLowerCase();
    if (!ANY.test(text)) {
      CLEAN.add(key);
      continue;
    }
    const file = label(path);
    for (const { name, re } of EACH) if (re.test(text)) found.push({ name, file });
  }
  return found;
}

const stored = (sb: Sandbox, marker: string) => filesUnder(sb.cairnHome).some(({ bytes }) => bytes.includes(marker));

/** One row per entry point, printed whole with any failure. */
const TABLE: Array<{ entry: string; caught: number; leaks: string[] }> = [];
const render = () =>
  TABLE.map((r) => `${r.entry.padEnd(40)} ${String(r.caught).padStart(2)}/${CORPUS.length}${r.leaks.length ? `  leaked: ${r.leaks.join("; ")}` : ""}`).join("\n");

async function check(entry: string, feed: (w: World) => Promise<void>, control = CONTROL): Promise<void> {
  const w = world();
  try {
    await feed(w);
    expect(stored(w.sb, control), `${entry}: "${control}" is stored (the scan sees what comes this way)`).toBe(true);
    const leaks = scan(w.sb);
    const leaked = new Set(leaks.map((l) => l.name));
    TABLE.push({ entry, caught: CORPUS.length - leaked.size, leaks: leaks.map((l) => `${l.name} in ${l.file}`) });
    expect(leaks.map((l) => `${l.name} in ${l.file}`), `secrets at rest per entry point:\n${render()}`).toEqual([]);
  } finally {
    w.sb.cleanup();
  }
}

afterAll(() => {
  rmSync(CACHE, { recursive: true, force: true });
  console.error(`secrets kept out of every file, per entry point:\n${render()}`);
});

/** Lines as tags: one line each, no commas (the CLI splits on them), at most 100 characters (MCP's limit). */
const asTag = (l: string) => l.replace(/\n/g, " ").replace(/,/g, " ").slice(0, 100);
/** Where the secret starts in corpus line `i`. */
const firstAt = (i: number) => CORPUS[i]!.line.indexOf(CORPUS[i]!.values[0]!.split("\n")[0]!);
/** `text` pushed to start `at` characters in, so a field cut there would cut a secret in half. */
const straddle = (text: string, at: number) => `${"the staging deploy keeps failing ".repeat(20).slice(0, at)}${text}`;

describe(`${CORPUS.length} secrets through each entry point, then a byte scan of CAIRN_HOME, HOME and the cache`, () => {
  test("the scan finds any 12 characters of every secret, in any case, in any file", () => {
    const sb = createSandbox("cairn-e2e-matrix-");
    try {
      const planted = CORPUS.map((s) => {
        const v = s.values[s.values.length - 1]!;
        return `${v.slice(0, 12).toUpperCase()}`;
      });
      writeFileSync(join(sb.cairnHome, "planted.bin"), `\0\0${planted.join("\u00ff")}\0`, "latin1");
      expect(scan(sb).map((f) => f.name).sort()).toEqual(CORPUS.map((s) => s.name).sort());
    } finally {
      sb.cleanup();
    }
  });

  test("remember content (CLI and MCP)", () =>
    check("remember content (CLI, MCP)", async (w) => {
      await w.cli(["remember", `deploy credentials ${CONTROL}\n${LINES.join("\n")}`]);
      await w.mcp((call) => call("remember", { content: `rotation notes\n${[...LINES].reverse().join("\n")}` }));
    }));

  test("metadata (MCP remember and update)", () =>
    check("metadata (MCP remember, update)", async (w) => {
      const meta = Object.fromEntries(CORPUS.map((s) => [s.name, s.line]));
      const r = await w.mcp(async (call) => {
        const made = await call("remember", { content: `deploy settings ${CONTROL}`, metadata: meta });
        await call("update", { id: made.structuredContent.id, metadata: { env: LINES, nested: { deploy: { notes: [...LINES].reverse() } } } });
        return made;
      });
      expect(r.structuredContent.id).toBeTruthy();
    }));

  test("update / edit (CLI edit, MCP update)", () =>
    check("update / edit (CLI, MCP)", async (w) => {
      const { id } = JSON.parse(await w.cli(["remember", `deploy settings ${CONTROL}`, "--json"]));
      await w.cli(["edit", id, "--content", `deploy settings ${CONTROL}\n${LINES.join("\n")}`]);
      const other = JSON.parse(await w.cli(["remember", "the staging box settings", "--json"]));
      await w.mcp((call) => call("update", { id: other.id, content: `the staging box settings\n${[...LINES].reverse().join("\n")}` }));
    }));

  test("import content", () =>
    check("import content", async (w) => {
      const file = join(w.sb.root, "in.jsonl");
      writeFileSync(file, LINES.map((l, i) => JSON.stringify({ content: `imported note ${i} ${CONTROL}\n${l}` })).join("\n") + "\n");
      await w.cli(["import", file, "--quiet", "--no-embed"]);
    }));

  test("--tags (CLI remember and edit)", () =>
    check("--tags (CLI)", async (w) => {
      const tags = (lines: string[]) => [CONTROL, ...lines.map((l) => l.replace(/\n/g, " ").replace(/,/g, " "))].join(",");
      const { id } = JSON.parse(await w.cli(["remember", "deploys go through the shop pipeline", "--tags", tags(LINES), "--json"]));
      await w.cli(["edit", id, "--tags", tags([...LINES].reverse())]);
    }));

  test("tags (MCP remember)", () =>
    check("tags (MCP)", async (w) => {
      await w.mcp((call) => call("remember", { content: "the cart rounds totals once", tags: [CONTROL, ...LINES.map(asTag)] }));
    }));

  test("checkpoint fields (MCP)", () =>
    check("checkpoint fields (MCP)", async (w) => {
      await w.mcp((call) =>
        call("checkpoint", {
          task: `rotate the credentials ${CONTROL}`,
          progress: `rotated so far:\n${LINES.join("\n")}`,
          next_steps: LINES,
          files: LINES,
          decisions: LINES.map((l) => `we keep ${l} in the vault only`),
        }),
      );
    }));

  test("import tags, session_id, agent, source, metadata", () =>
    check("import fields", async (w) => {
      const file = join(w.sb.root, "in.jsonl");
      const rows = LINES.map((l, i) => ({
        content: `imported note number ${i} about the shop`,
        tags: [CONTROL, l],
        session_id: l,
        agent: l,
        source: l,
        metadata: { origin: l },
      }));
      writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
      await w.cli(["import", file, "--quiet", "--no-embed"]);
    }));

  test("hook UserPromptSubmit, plain prompt", () =>
    check("hook prompt (plain)", async (w) => {
      // The session's task keeps a prompt's first 200 characters: each secret sits across that cut, in a
      // session of its own (only a session's first prompt is kept).
      for (const [i, l] of LINES.entries()) {
        const session = `5e55a0e1-aaaa-4bbb-8ccc-${String(i).padStart(12, "0")}`;
        const head = `${i === 0 ? `${CONTROL} ` : ""}why does the deploy fail with this: `;
        const prompt = head + straddle(l, Math.max(0, 184 - head.length - firstAt(i)));
        await w.hook("prompt", fixture("prompt", { cwd: w.project, session, prompt }));
      }
    }));

  test('hook UserPromptSubmit, "remember that …"', () =>
    check('hook prompt ("remember that")', async (w) => {
      for (const [i, l] of LINES.entries()) {
        const session = `5e55a0e1-bbbb-4bbb-8ccc-${String(i).padStart(12, "0")}`;
        const prompt = `remember that ${i === 0 ? `${CONTROL} ` : ""}${l}`;
        await w.hook("prompt", fixture("prompt", { cwd: w.project, session, prompt }));
      }
    }));

  test("hook PostToolUse, a failing Bash command", () =>
    check("hook Bash failure", async (w) => {
      for (const [i, g] of chunks(3).entries()) {
        // At most 5 errors are captured per session: 3 commands per session.
        const session = `5e55a0e1-cccc-4bbb-8ccc-${String(Math.floor(i / 3)).padStart(12, "0")}`;
        const command = `${g.join("\n")}\n./deploy.sh --env staging-${i}`;
        // The signature keeps 200 characters of the error line: the chunk's first secret sits across that cut.
        const pre = `deploy: FATAL: rejected ${CONTROL} `;
        const error = pre + straddle(g.map((l) => l.replace(/\n/g, " ")).join(" | "), Math.max(0, 184 - pre.length - firstAt(i * 3)));
        await w.hook("post-tool-failure", fixture("post-tool-bash-failure", { cwd: w.project, session, command, error }));
      }
    }));

  test("hook Stop and PreCompact", () =>
    check("hook Stop + PreCompact", async (w) => {
      for (const [i, g] of chunks(4).entries()) {
        const session = `5e55a0e1-dddd-4bbb-8ccc-${String(i).padStart(12, "0")}`;
        const vars = { cwd: w.project, session };
        await w.hook("prompt", fixture("prompt", { ...vars, prompt: `set up the staging deploy ${i}` }));
        const message = `Done ${CONTROL}: the staging box is configured with\n${g.join("\n")}\nNext steps:\n${g.map((l) => `- check ${l}`).join("\n")}`;
        await w.hook("stop", fixture("stop", { ...vars, message }));
        const compact = JSON.parse(fixture("pre-compact", vars));
        // The compaction note keeps 300 characters: the chunk's first secret sits across that cut.
        compact.custom_instructions = straddle(g.join(" "), Math.max(0, 284 - firstAt(i * 4)));
        await w.hook("pre-compact", JSON.stringify(compact));
      }
    }));

  test("forget --reason (soft, hard, hard --keep-reason)", () =>
    check("forget --reason", async (w) => {
      const reason = `${CONTROL} it quoted\n${LINES.join("\n")}`;
      const ids: string[] = [];
      for (const n of [1, 2, 3]) ids.push(JSON.parse(await w.cli(["remember", `an outdated note number ${n}`, "--json"])).id);
      await w.cli(["forget", ids[0]!, "--reason", reason]);
      await w.cli(["forget", ids[1]!, "--hard", "--yes", "--reason", reason]);
      await w.cli(["forget", ids[2]!, "--hard", "--yes", "--keep-reason", "--reason", reason]);
    }));

  test("logs (hooks.log: events that do not parse, CAIRN_HOOK_DEBUG)", () =>
    check("logs", async (w) => {
      // A JSON parse error would quote the first word of what was sent instead of an event: one event per secret.
      for (const s of CORPUS) await w.hook("prompt", `${s.values[0]} ${s.line}`);
      const prompt = `deploy with\n${LINES.join("\n")}`;
      await w.hook("prompt", fixture("prompt", { cwd: w.project, session: "5e55a0e1-eeee-4bbb-8ccc-000000000001", prompt }), { CAIRN_HOOK_DEBUG: "1" });
    }, "prompt malformed input: stdin is not JSON"));
});
