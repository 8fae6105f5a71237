/**
 * @module The fuzz run: seeded CLI calls, MCP lines and hook events (input i comes from seed and i alone, so
 * `--seed` reproduces any failure). Nothing may crash: no signal exit, no "Internal error", no stack trace,
 * hooks exit 0 with nothing or one JSON document on stdout, `cairn mcp` keeps stdout JSON-RPC only and stays
 * up; the database passes integrity_check afterwards.
 */
import { McpProcess } from "../../test/e2e/mcp-process.ts";
import { dbProblem, firstLine, type Home, type Ledger, makeHome, type Options, progress, rngFor, run, type RunResult, STACK_FRAME } from "./env.ts";
import { cliInput, hookInput, mcpLine } from "./fuzz-gen.ts";

const PARALLEL = 3;

function show(input: unknown): string {
  const text = typeof input === "string" ? input : input instanceof Uint8Array ? `bytes ${Buffer.from(input).toString("hex").slice(0, 80)}` : JSON.stringify(input);
  return JSON.stringify(text.slice(0, 160));
}

function crash(r: RunResult, usageExits: readonly number[]): string | null {
  if (r.signal !== null) return `died of ${r.signal}`;
  if (!usageExits.includes(r.exitCode ?? -1)) return `exit ${r.exitCode}`;
  if (/Internal error/.test(r.stderr + r.stdout)) return `"Internal error": ${firstLine(r.stderr)}`;
  if (STACK_FRAME.test(r.stderr)) return `stack trace on stderr: ${firstLine(r.stderr)}`;
  return null;
}

async function pool(n: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < n) await work(next++);
  }));
}

async function fuzzCli(opts: Options, home: Home, n: number, ledger: Ledger): Promise<void> {
  const row = "fuzz: CLI";
  const exits = new Map<number, number>();
  await pool(n, async (i) => {
    const input = cliInput(rngFor(opts, 1_000_000 + i));
    const r = await run(opts.bin, home, input.args, { stdin: input.stdin, timeoutMs: 60_000 });
    exits.set(r.exitCode ?? -1, (exits.get(r.exitCode ?? -1) ?? 0) + 1);
    const bad = crash(r, [0, 1, 2]);
    if (bad) ledger.fail(row, `input ${i} (cairn ${show(input.args.join(" "))}): ${bad}`);
    ledger.row(row).trials++;
  });
  progress(`fuzz: CLI exit codes: ${[...exits].sort((a, b) => a[0] - b[0]).map(([code, count]) => `${code} ×${count}`).join(", ")}`);
}

async function fuzzHooks(opts: Options, home: Home, n: number, ledger: Ledger): Promise<void> {
  const row = "fuzz: hooks";
  await pool(n, async (i) => {
    const rng = rngFor(opts, 2_000_000 + i);
    const input = hookInput(rng, home.cwd);
    const daemon = rng.chance(0.5) ? "on" : "off";
    const r = await run(opts.bin, home, ["hook", input.event], { stdin: input.stdin, env: { CAIRN_HOOK_DAEMON: daemon }, timeoutMs: 60_000 });
    let bad = crash(r, [0]);
    if (!bad && r.stderr !== "") bad = `stderr: ${firstLine(r.stderr)}`;
    if (!bad && r.stdout.trim() !== "" && input.event !== "nonsense") {
      try {
        JSON.parse(r.stdout);
      } catch {
        bad = `stdout is not one JSON document: ${r.stdout.slice(0, 100)}`;
      }
    }
    if (bad) ledger.fail(row, `input ${i} (hook ${input.event}, daemon ${daemon}, stdin ${show(input.stdin)}): ${bad}`);
    ledger.row(row).trials++;
  });
}

async function fuzzMcp(opts: Options, home: Home, n: number, ledger: Ledger): Promise<void> {
  const row = "fuzz: MCP";
  let mcp = new McpProcess(opts.bin, { home: home.dir, cwd: home.cwd, env: home.env });
  await mcp.initialize();
  const internal = (m: any) => /Internal error/.test(JSON.stringify(m?.error ?? m?.result?.content ?? ""));
  let checked = 0;
  for (let i = 0; i < n; i++) {
    const line = mcpLine(rngFor(opts, 3_000_000 + i), 1_000_000 + i);
    mcp.send(line);
    ledger.row(row).trials++;
    // Every 25 lines: a ping must come back (the server is alive and reading), and the replies so far are checked.
    if ((i + 1) % 25 === 0 || i === n - 1) {
      try {
        const pong = await Promise.race([mcp.request("ping"), Bun.sleep(30_000).then(() => null)]);
        if (pong === null) throw new Error("no reply to ping within 30 s");
      } catch (err) {
        ledger.fail(row, `inputs ${i - 24}..${i}: server stopped answering: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`);
        await mcp.kill();
        mcp = new McpProcess(opts.bin, { home: home.dir, cwd: home.cwd, env: home.env });
        await mcp.initialize();
        checked = 0;
        continue;
      }
      for (const m of mcp.messages.slice(checked)) if (internal(m)) ledger.fail(row, `reply to ${m.id}: ${JSON.stringify(m).slice(0, 300)} (input ${typeof m.id === "number" ? m.id - 1_000_000 : "?"})`);
      checked = mcp.messages.length;
      try {
        mcp.assertAllStdoutIsJsonRpc();
      } catch (err) {
        ledger.fail(row, `inputs up to ${i}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  const kinds = { result: 0, toolError: 0, protocolError: 0 };
  for (const m of mcp.messages) {
    if (typeof m.id === "number" && m.id < 1_000_000) continue;
    if (m.error) kinds.protocolError++;
    else if (m.result?.isError) kinds.toolError++;
    else if (m.result) kinds.result++;
  }
  progress(`fuzz: MCP replies: ${kinds.result} results, ${kinds.toolError} tool errors, ${kinds.protocolError} protocol errors`);
  mcp.closeStdin();
  const code = await Promise.race([mcp.exited, Bun.sleep(10_000).then(() => "hung")]);
  if (code !== 0) ledger.fail(row, `cairn mcp ended with ${code} at stdin EOF`);
  if (STACK_FRAME.test(mcp.stderr)) ledger.fail(row, `stack trace on stderr: ${firstLine(mcp.stderr.split("\n").find((l) => STACK_FRAME.test(l)) ?? "")}`);
  await mcp.kill();
}

export async function fuzzCampaign(opts: Options, root: string, ledger: Ledger): Promise<void> {
  const home = makeHome(root, { CAIRN_HOOK_DAEMON: "on" });
  await run(opts.bin, home, ["remember", "the harbour crane is serviced on Mondays"]);
  // MCP lines are cheap (one process); CLI calls and hooks each spawn the binary.
  const nMcp = Math.round(opts.fuzz * 0.6);
  const nCli = Math.round(opts.fuzz * 0.25);
  const nHook = opts.fuzz - nMcp - nCli;
  for (const [row, fn, n] of [
    ["fuzz: MCP", fuzzMcp, nMcp],
    ["fuzz: CLI", fuzzCli, nCli],
    ["fuzz: hooks", fuzzHooks, nHook],
  ] as const) {
    const started = performance.now();
    await fn(opts, home, n, ledger);
    const o = ledger.row(row);
    progress(`${row}: ${o.trials} inputs, ${o.failures.length} failures (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  const problem = dbProblem(home.db);
  if (problem) ledger.fail("fuzz: MCP", `database after fuzzing: ${problem}`);
}
