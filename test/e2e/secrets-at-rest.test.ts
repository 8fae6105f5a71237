/**
 * @module No secret at rest (issue 18): fake secrets fed to the compiled binary through the CLI, the MCP
 * server and the hooks are searched for, byte by byte, in every file under CAIRN_HOME (database, WAL, hook
 * state, hooks.log) and HOME. Hook state files go at SessionEnd and after a day without activity.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CAIRN_BIN, describeRun } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";
import { McpProcess } from "./mcp-process.ts";
import { filesUnder } from "../helpers/files.ts";

// Fake values shaped like real credentials (typed by hand, never issued by anyone).
const S = {
  prompt: "Wq4!zTr8Lm2Kp",
  promptToken: "ghp_R7kQ2mZ9xV4tL8wN3pB6yH1cF5dJ0sA2eG4u",
  pgpass: "Hy6#pQ9sVb2Lx",
  keyBase: "9c4f1e7a2b8d3f6e0a5c9b2d7e1f4a8c3b6d9e2f5a8c1b4e7d0a3f6c9e2b5d8a",
  encKey: "4e8a1c7f3b9d2e6a0f5c8b1d4e7a2c9f6b3d0e8a5c2f9b6d3e0a7c4f1b8d5e2a",
  blob: "Zq8Vn3Kx7Rb2Tm5Wy9Pd4Hs6Jf1Lc0Ga7Ue3Qk8Mv2Nr5Xt9By4Dh6Sw1Fp0Ej",
  sas: "Lk3Vd8Qz1Xw7Mn2Rb6Tc9Yp4%2BHs5Jf0Ga3Ue8Nq1Kv%3D",
  tag: "ghp_T5vN8qW2xL9mK4rB7cZ1dF6hJ3sP0aY8eG2u",
  checkpoint: "Mb7$wR2kQx9Zp4",
  reason: "ghp_Y2nC6vB9xM4kQ7tR1wP8zL3dH5sF0aJ6eG9u",
  importAgent: "ghp_U8pL3kN6vB1xQ9mR4tW7zC2dH5sF0aY3eJ6g",
  logged: "ghp_K4wP7nB2xQ9mL5tR8vC1zH6dJ3sF0aY7eG5u",
};
const SECRETS = Object.values(S);

let sb: Sandbox;
let project: string;
beforeEach(() => {
  sb = createSandbox("cairn-e2e-secrets-");
  project = sb.project("shop");
});
afterEach(() => sb.cleanup());


/**
 * Where each secret is still stored, whole or any 12 characters of it in any case (tags are lower-case, task
 * tags are slugs, a cut keeps half a token): "secret in file" lines, empty when clean.
 */
function scan(secrets: readonly string[]): string[] {
  const found: string[] = [];
  const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // One pass per file: the model runtime cairn extracts under HOME is tens of megabytes.
  const patterns = secrets.map((s) => {
    const v = s.toLowerCase();
    return { s, re: new RegExp(Array.from({ length: Math.max(1, v.length - 11) }, (_, i) => escape(v.slice(i, i + 12))).join("|")) };
  });
  for (const { path, bytes } of [...filesUnder(sb.cairnHome), ...filesUnder(sb.home)]) {
    const lower = bytes.toString("latin1").toLowerCase();
    for (const { s, re } of patterns) if (re.test(lower)) found.push(`${s} in ${path}`);
  }
  return found;
}

/** The scan must see stored text at all: `marker` is somewhere under CAIRN_HOME. */
function stored(marker: string): boolean {
  return filesUnder(sb.cairnHome).some(({ bytes }) => bytes.includes(marker));
}

async function hook(event: string, stdin: string): Promise<void> {
  const args = ["hook", event];
  const r = await sb.run(args, { cwd: project, stdin, env: { CLAUDE_PROJECT_DIR: project } });
  expect(r.exitCode, describeRun(args, r)).toBe(0);
  expect(r.stderr, describeRun(args, r)).toBe("");
}

const SESSION = "5e55a0e1-aaaa-4bbb-8ccc-000000000018";
const stateFile = (session: string) => join(sb.cairnHome, "hooks", `${session}.json`);

/** One session's worth of hook events, each carrying secrets, without SessionEnd (the state file stays). */
async function sessionWithSecrets(session: string): Promise<void> {
  const vars = { cwd: project, session };
  // The token sits across the 200-character cut of firstPrompt: redaction must come before the cut.
  const prompt = `remember that the staging db password is ${S.prompt} — and for the deploy of the shop (checkout, ` +
    `cart and the payment webhooks, see the runbook in docs/deploy.md) use GITHUB_TOKEN=${S.promptToken} please`;
  await hook("prompt", fixture("prompt", { ...vars, prompt }));
  await hook(
    "post-tool-failure",
    fixture("post-tool-bash-failure", {
      ...vars,
      command: `PGPASSWORD='${S.pgpass}' psql -h db.internal -U app -c 'select 1'`,
      error: 'psql: error: connection to server at "db.internal" failed: FATAL:  password authentication failed for user "app"',
    }),
  );
  const message = `Done: SECRET_KEY_BASE=${S.keyBase} is in .env now and the encryption key is ${S.encKey}.\n` +
    `Next steps:\n- store ${S.blob} in the vault\n- upload with https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sp=rw&sig=${S.sas}`;
  await hook("stop", fixture("stop", { ...vars, message }));
  const compact = JSON.parse(fixture("pre-compact", vars));
  compact.custom_instructions = `keep the psql password ${S.pgpass} in mind`;
  await hook("pre-compact", JSON.stringify(compact));
  // Not JSON: the parse error that hooks.log records quotes the token.
  await hook("prompt", `${S.logged} was pasted instead of an event`);
}

describe("hooks", () => {
  test("UserPromptSubmit, a failing psql, Stop and PreCompact leave no secret in the database or the hook state", async () => {
    await sessionWithSecrets(SESSION);
    const state = JSON.parse(readFileSync(stateFile(SESSION), "utf8"));
    expect(state.firstPrompt).toContain("the staging db password is [REDACTED:password]");
    expect(Object.values(state.failures).map((f: any) => f.command)).toEqual([
      "PGPASSWORD='[REDACTED:password]' psql -h db.internal -U app -c 'select 1'",
    ]);
    expect(state.lastMessage).toContain("SECRET_KEY_BASE=[REDACTED:secret]");
    // The parse error is logged without the input it quoted.
    expect(readFileSync(join(sb.cairnHome, "hooks.log"), "utf8")).toContain("stdin is not JSON (JSON Parse error: Unexpected identifier (input))");
    expect(stored("db.internal")).toBe(true);
    expect(scan(SECRETS)).toEqual([]);
  });

  test("the state file goes at SessionEnd, and after a day without activity", async () => {
    await sessionWithSecrets(SESSION);
    await hook("session-end", fixture("session-end", { cwd: project, session: SESSION }));
    expect(existsSync(stateFile(SESSION))).toBe(false);

    // A session that never ends: its file is left alone for now, and gone once it is a day old.
    const quiet = "5e55a0e1-aaaa-4bbb-8ccc-000000000019";
    await hook("prompt", fixture("prompt", { cwd: project, session: quiet, prompt: "rename the checkout button to Pay now" }));
    expect(existsSync(stateFile(quiet))).toBe(true);
    const other = "5e55a0e1-aaaa-4bbb-8ccc-000000000020";
    await hook("prompt", fixture("prompt", { cwd: project, session: other, prompt: "add a test for the cart total" }));
    expect(existsSync(stateFile(quiet))).toBe(true);
    const dayAgo = (Date.now() - 25 * 3_600_000) / 1000;
    utimesSync(stateFile(quiet), dayAgo, dayAgo);
    const next = "5e55a0e1-aaaa-4bbb-8ccc-000000000021";
    await hook("prompt", fixture("prompt", { cwd: project, session: next, prompt: "why is the cart total rounded twice" }));
    expect(existsSync(stateFile(quiet))).toBe(false);
    expect(existsSync(stateFile(other))).toBe(true);
  });

  test("a stale state file is not read: a late event of a day-old session starts afresh", async () => {
    const late = "5e55a0e1-aaaa-4bbb-8ccc-000000000022";
    await hook("prompt", fixture("prompt", { cwd: project, session: late, prompt: "first task: migrate the orders table" }));
    const dayAgo = (Date.now() - 25 * 3_600_000) / 1000;
    utimesSync(stateFile(late), dayAgo, dayAgo);
    await hook("prompt", fixture("prompt", { cwd: project, session: late, prompt: "second task: fix the flaky cart test" }));
    expect(JSON.parse(readFileSync(stateFile(late), "utf8")).firstPrompt).toBe("second task: fix the flaky cart test");
  });
});

describe("CLI and MCP", () => {
  test("remember --tags, import fields, forget --reason, MCP remember tags and checkpoint leave no secret", async () => {
    const opts = { cwd: project };
    await sb.ok(["remember", "deploys go through the shop pipeline", "--tags", `ci,${S.tag}`], opts);
    const jsonl = join(sb.root, "in.jsonl");
    const line = { content: "imported note about db.internal", tags: ["x", S.importAgent], session_id: S.importAgent, agent: S.importAgent, source: S.importAgent, metadata: { note: S.importAgent } };
    writeFileSync(jsonl, `${JSON.stringify(line)}\n`);
    await sb.ok(["import", jsonl, "--quiet", "--no-embed"], opts);
    const { id } = await sb.json(["remember", "an outdated note", "--json"], opts);
    await sb.ok(["forget", id, "--reason", `it quoted ${S.reason}`], opts);

    const mcp = new McpProcess(CAIRN_BIN, { home: sb.cairnHome, cwd: project, env: sb.env() });
    try {
      await mcp.initialize();
      const r1 = await mcp.call("remember", { content: "the cart rounds totals once", tags: ["cart", `token ${S.tag}`] });
      expect(r1.result?.isError ?? false).toBe(false);
      const r2 = await mcp.call("checkpoint", {
        task: "rotate the db credentials",
        progress: `new password ${S.checkpoint} is set on db.internal`,
        next_steps: [`tell ops the password is ${S.checkpoint}`],
        decisions: [`we keep PGPASSWORD=${S.checkpoint} in the vault only`],
      });
      expect(r2.result?.isError ?? false).toBe(false);
    } finally {
      mcp.closeStdin();
      await mcp.exited;
    }
    expect(stored("db.internal")).toBe(true);
    expect(scan(SECRETS)).toEqual([]);
  });
});
