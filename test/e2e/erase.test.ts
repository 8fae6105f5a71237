/**
 * @module Erase is complete or says it is not (issue 18): `forget --hard` in four situations — the CLI alone
 * with a reason, the MCP server and the hook daemon live with hooks that saw the text, and another process
 * holding a read transaction — each followed by a byte scan of every file under CAIRN_HOME (database, -wal,
 * -shm, hook state, logs) and HOME.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isServing } from "../../src/hooks/warm/client.ts";
import { CAIRN_BIN, describeRun } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";
import { fixture } from "../hooks/helpers.ts";
import { McpProcess } from "./mcp-process.ts";
import { filesUnder } from "../helpers/files.ts";

let sb: Sandbox;
let project: string;
beforeEach(() => {
  sb = createSandbox("cairn-e2e-erase-");
  project = sb.project("rocket");
});
afterEach(() => sb.cleanup());


/** Files under CAIRN_HOME and HOME holding `marker`, or any 10 characters of it in any case or spacing. */
function scan(marker: string): string[] {
  const m = marker.toLowerCase();
  const pieces = Array.from({ length: Math.max(1, m.length - 9) }, (_, i) => m.slice(i, i + 10));
  return [...filesUnder(sb.cairnHome), ...filesUnder(sb.home)]
    .filter(({ bytes }) => {
      const lower = bytes.toString("latin1").toLowerCase();
      return pieces.some((p) => lower.includes(p));
    })
    .map((f) => f.path);
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

/**
 * Another process with cairn.db open read-only (bun:sqlite): `inRead` keeps a read transaction going until
 * `release()`; otherwise the connection just stays open. `close()` ends it.
 */
function holdOpen(db: string, inRead: boolean) {
  const script = join(sb.root, `reader-${inRead ? "busy" : "idle"}.ts`);
  writeFileSync(
    script,
    `import { Database } from "bun:sqlite";
     const db = new Database(process.argv[2], { readonly: true });
     db.query("SELECT count(*) FROM memories").get();
     ${inRead ? 'db.run("BEGIN"); db.query("SELECT count(*) FROM memories").get(); console.log("holding");' : 'console.log("open");'}
     const lines = console[Symbol.asyncIterator]();
     await lines.next(); ${inRead ? 'db.run("COMMIT");' : ""} console.log("released");
     await lines.next(); db.close();`,
  );
  const proc = Bun.spawn([process.execPath, script, db], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const out = proc.stdout.getReader();
  let text = "";
  const said = async (word: string) => {
    while (!text.includes(word)) {
      const { value, done } = await out.read();
      if (done) throw new Error(`reader exited before "${word}"`);
      text += new TextDecoder().decode(value);
    }
  };
  const send = () => {
    proc.stdin.write("next\n");
    proc.stdin.flush();
  };
  return {
    said,
    release: async () => {
      send();
      await said("released");
    },
    close: async () => {
      if (!text.includes("released")) send();
      send();
      proc.stdin.end();
      await proc.exited;
    },
  };
}

async function remember(text: string): Promise<string> {
  return (await sb.json<{ id: string }>(["remember", text, "--json"], { cwd: project })).id;
}

describe("forget --hard", () => {
  test("CLI only, with a reason: no copy of the text or the reason anywhere; the audit keeps keyed hashes", async () => {
    const marker = "PHONE-0176-5550123";
    const why = "REASON-QUOTES-0176";
    await remember("an unrelated first memory about rockets");
    const id = await remember(`call the launch director at ${marker}`);
    await sb.ok(["edit", id, "--content", `call the launch director at ${marker} after 6pm`], { cwd: project });
    const plain = new Bun.CryptoHasher("sha256").update(`call the launch director at ${marker}`).digest("hex");
    expect(scan(marker).length).toBeGreaterThan(0);

    const r = await sb.json(["forget", id, "--hard", "--yes", "--reason", `it quoted ${why}`, "--json"], { cwd: project });
    expect(r).toMatchObject({ status: "purged", complete: true });
    expect(scan(marker)).toEqual([]);
    expect(scan(why)).toEqual([]);
    // No plain SHA-256 of any version: a short text could be found again by hashing guesses.
    const log = await sb.json<{ entries: Array<{ hash_before: string | null; hash_after: string | null }> }>(["audit", "log", "--memory", id, "--json"]);
    const hashes = log.entries.flatMap((e) => [e.hash_before, e.hash_after]).filter((h) => h !== null);
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(h).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(filesUnder(sb.cairnHome).some(({ bytes }) => bytes.includes(plain))).toBe(false);
    expect((await sb.run(["audit", "verify"])).exitCode).toBe(0);
    expect(readdirSync(sb.cairnHome)).toContain("audit.key");
    expect(lstatSync(join(sb.cairnHome, "audit.key")).mode & 0o777).toBe(0o600);
  });

  test("--keep-reason keeps the reason, and only then; not the part of it that quotes the erased text", async () => {
    const why = "REASON-KEPT-4242";
    const marker = "PHONE-0176-5550199";
    const id = await remember(`a memory whose purge has a reason worth keeping: call ${marker}`);
    // An earlier soft forget's reason quoting it goes with the rest of its history.
    await sb.ok(["forget", id, "--reason", `it held ${marker}`]);
    await sb.ok(["restore", id]);
    await sb.ok(["forget", id, "--hard", "--yes", "--keep-reason", "--reason", `asked by ${why}; it held ${marker}`]);
    expect(scan(why).length).toBeGreaterThan(0);
    expect(scan(marker)).toEqual([]);
    const log = await sb.json<{ entries: Array<{ op: string; detail: { reason?: string } }> }>(["audit", "log", "--memory", id, "--json"]);
    expect(log.entries.find((e) => e.op === "purge")!.detail.reason).toBe(`asked by ${why}; it held [erased]`);
  });

  test("hooks, a live hook daemon and a live MCP server saw the text: summaries, checkpoints and state are scrubbed", async () => {
    const marker = "BLUEHERON-4471";
    const session = "5e55a0e1-aaaa-4bbb-8ccc-0000000e4a5e";
    const sock = join(sb.cairnHome, "hookd.sock");
    const daemon = Bun.spawn([CAIRN_BIN, "hook", "--serve"], { env: sb.env(), stdio: ["ignore", "ignore", "ignore"] });
    const mcp = new McpProcess(CAIRN_BIN, { home: sb.cairnHome, cwd: project, env: sb.env() });
    try {
      await waitFor(() => isServing(sock), "the hook daemon to listen");
      await mcp.initialize();
      const hook = async (event: string, stdin: string) => {
        const args = ["hook", event];
        const r = await sb.run(args, { cwd: project, stdin, env: { CLAUDE_PROJECT_DIR: project } });
        expect(r.exitCode, describeRun(args, r)).toBe(0);
      };
      const vars = { cwd: project, session };
      await hook("prompt", fixture("prompt", { ...vars, prompt: `remember that the launch codename is ${marker}` }));
      const seen = await mcp.call("recall", { query: "launch codename" });
      expect(JSON.stringify(seen.result)).toContain(marker);
      await hook("stop", fixture("stop", { ...vars, message: `The launch codename ${marker} is now in the release notes.\nNext steps:\n- tell ops` }));
      await hook("pre-compact", fixture("pre-compact", vars));

      const all = await sb.json<{ memories: Array<{ id: string; content: string; type: string; tags: string[] }> }>(["list", "--status", "all", "--json"], { cwd: project });
      const quoting = all.memories.filter((m) => m.content.includes(marker));
      const summary = quoting.find((m) => m.tags.includes("session-summary"));
      const captured = quoting.find((m) => m.type !== "checkpoint" && !m.tags.includes("session-summary"));
      expect(summary).toBeDefined();
      expect(quoting.some((m) => m.type === "checkpoint")).toBe(true);
      expect(captured).toBeDefined();
      expect(readFileSync(join(sb.cairnHome, "hooks", `${session}.json`), "utf8")).toContain(marker);

      const r = await sb.json(["forget", captured!.id, "--hard", "--yes", "--json"], { cwd: project });
      expect(r).toMatchObject({ status: "purged", complete: true });
      expect(scan(marker)).toEqual([]);
      // The summary keeps what was not quoted.
      const kept = await sb.json<{ content: string }>(["get", summary!.id, "--json"]);
      expect(kept.content).toContain("release notes");

      // Later events of the same session, through the daemon that saw the text, do not bring it back.
      await hook("stop", fixture("stop", { ...vars, message: "Release notes are published." }));
      await hook("pre-compact", fixture("pre-compact", vars));
      await mcp.call("recall", { query: "launch codename" });
      expect(scan(marker)).toEqual([]);
      await hook("session-end", fixture("session-end", vars));
      expect(scan(marker)).toEqual([]);
      expect(await isServing(sock)).toBe(true);
    } finally {
      mcp.closeStdin();
      await mcp.exited;
      daemon.kill();
      await daemon.exited;
    }
    expect(scan(marker)).toEqual([]);
  });

  test("another process holding a read: the command says what remains, and the next write finishes the erasure", async () => {
    const marker = "ZQXJ-READER-7731";
    await remember("an unrelated first memory about rockets");
    const id = await remember(`the range safety code is ${marker}`);
    await sb.ok(["edit", id, "--content", `the range safety code is ${marker} since Monday`], { cwd: project });
    const script = join(sb.root, "reader.ts");
    writeFileSync(
      script,
      `import { Database } from "bun:sqlite";
       const db = new Database(process.argv[2], { readonly: true });
       db.run("BEGIN"); db.query("SELECT count(*) FROM memories").get();
       console.log("holding");
       const lines = console[Symbol.asyncIterator]();
       await lines.next(); db.run("COMMIT"); console.log("released");
       await lines.next(); db.close();`,
    );
    const reader = Bun.spawn([process.execPath, script, join(sb.cairnHome, "cairn.db")], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    const out = reader.stdout.getReader();
    const said = async (word: string) => {
      let text = "";
      while (!text.includes(word)) {
        const { value, done } = await out.read();
        if (done) throw new Error(`reader exited before "${word}"`);
        text += new TextDecoder().decode(value);
      }
    };
    try {
      await said("holding");
      const r = await sb.json(["forget", id, "--hard", "--yes", "--json"], { cwd: project });
      expect(r).toMatchObject({ status: "purged", complete: false, pending_wal: { other_processes: 1 } });
      const human = await sb.run(["doctor", "--json"]);
      const erasures = (JSON.parse(human.stdout) as { checks: Array<{ name: string; level: string; detail: string }> }).checks.find((c) => c.name === "erasures");
      expect(erasures).toMatchObject({ level: "warn" });
      expect(erasures!.detail).toContain("1 other process");

      // The read ends (the connection stays open): the next write by any cairn process finishes the job.
      reader.stdin.write("release\n");
      reader.stdin.flush();
      await said("released");
      await remember("a later memory about the launch window");
      expect(existsSync(join(sb.cairnHome, "erase-pending.json"))).toBe(false);
      expect(scan(marker)).toEqual([]);
    } finally {
      reader.stdin.end();
      await reader.exited;
    }
    expect(scan(marker)).toEqual([]);
  });

  test("a reader with the database open but no read going: the purge leaves no copy, WAL included, while it stays open", async () => {
    const marker = "QWV-IDLE-READER-5512";
    const id = await remember(`the vault recovery phrase is ${marker}`);
    await sb.ok(["edit", id, "--content", `the vault recovery phrase is ${marker} (rotated)`], { cwd: project });
    const reader = holdOpen(join(sb.cairnHome, "cairn.db"), false);
    try {
      await reader.said("open");
      const r = await sb.run(["forget", id, "--hard", "--yes"], { cwd: project });
      expect(r.exitCode, describeRun(["forget"], r)).toBe(0);
      expect(r.stdout).not.toContain("not yet from disk");
      expect(scan(marker)).toEqual([]);
    } finally {
      await reader.close();
    }
  });

  test("a reader mid-read: the human output and doctor say what remains, doctor finishes once the read ends", async () => {
    const marker = "QWV-BUSY-READER-7720";
    const id = await remember(`the alarm code for the hangar is ${marker}`);
    const reader = holdOpen(join(sb.cairnHome, "cairn.db"), true);
    try {
      await reader.said("holding");
      const r = await sb.ok(["forget", id, "--hard", "--yes"], { cwd: project });
      expect(r.stdout).toContain("not yet from disk: old copies remain on disk (in the database file or its WAL) until 1 other process");
      const doctor = await sb.run(["doctor"]);
      expect(doctor.stdout).toMatch(/erasures.*1 purge .*pending/);
      await reader.release();
      const after = await sb.run(["doctor", "--json"]);
      const check = (JSON.parse(after.stdout) as { checks: Array<{ name: string; level: string; detail: string }> }).checks.find((c) => c.name === "erasures");
      expect(check).toMatchObject({ level: "ok" });
      expect(check!.detail).toContain("finished the pending erasure");
      expect(existsSync(join(sb.cairnHome, "erase-pending.json"))).toBe(false);
      expect(scan(marker)).toEqual([]);
    } finally {
      await reader.close();
    }
  });
});

describe("retention purges", () => {
  test("a sweep purge leaves no copy: database, WAL, and the hook state that quoted the text", async () => {
    const marker = "MARKER-OWL-9931";
    const old = "2020-03-01T00:00:00.000Z";
    const row = { id: "01900000-0000-7000-8000-0000000000a1", content: `the vault recovery phrase is ${marker}`, type: "error", tags: [], project: null, created_at: old, updated_at: old, priority: 3, status: "active" };
    await sb.ok(["import", "-", "--no-embed"], { stdin: `${JSON.stringify(row)}\n` });
    await remember("an unrelated memory about owls");
    const session = "5e55a0e1-aaaa-4bbb-8ccc-0000000e4a61";
    const prompt = fixture("prompt", { cwd: project, session, prompt: `why does ${marker} show up in the error log` });
    const hook = await sb.run(["hook", "prompt"], { cwd: project, stdin: prompt, env: { CLAUDE_PROJECT_DIR: project, CAIRN_HOOK_DAEMON: "off" } });
    expect(hook.exitCode).toBe(0);
    expect(scan(marker).length).toBeGreaterThan(1);
    await sb.ok(["retention", "set", "--type", "error", "--keep", "90d", "--grace", "0d"]);
    const r = await sb.json<{ purged: Array<{ id: string }> }>(["sweep", "--json"]);
    expect(r.purged.map((p) => p.id)).toEqual([row.id]);
    expect(scan(marker)).toEqual([]);
    expect(readFileSync(join(sb.cairnHome, "hooks", `${session}.json`), "utf8")).toContain("show up in the error log");
  });
});

test("an export from before an erase does not bring the erased memory back on import, by id or by text, unless asked (QA)", async () => {
  const id = (await sb.json<{ id: string }>(["remember", "Jane Doe asked to be erased, phone 555 0100", "--type", "fact", "--json"])).id;
  await sb.ok(["remember", "the build cache lives in ~/.cache/rocket", "--json"]);
  const backup = join(sb.home, "backup.jsonl");
  await sb.ok(["export", "--output", backup]);
  await sb.ok(["forget", id, "--hard", "--yes"]);
  const report = await sb.json<{ created: number; duplicates: number; erased: number }>(["import", backup, "--no-embed", "--json"]);
  expect([report.created, report.duplicates, report.erased]).toEqual([0, 1, 1]);
  expect((await sb.run(["get", id])).exitCode).toBe(1);
  // The same text under no id is the erased memory too.
  const bare = join(sb.home, "bare.jsonl");
  writeFileSync(bare, `${JSON.stringify({ content: "Jane Doe asked to be erased, phone 555 0100", type: "fact" })}\n`);
  expect((await sb.ok(["import", bare, "--no-embed"])).stdout).toContain("left out (`--restore-erased` imports them)");
  expect((await sb.json<{ memories: Array<{ content: string }> }>(["list", "--json"])).memories.map((m) => m.content)).not.toContain("Jane Doe asked to be erased, phone 555 0100");
  // Asked for, it comes back.
  expect((await sb.json<{ created: number }>(["import", backup, "--no-embed", "--restore-erased", "--json"])).created).toBe(1);
  expect((await sb.json<{ id: string }>(["get", id, "--json"])).id).toBe(id);
});
