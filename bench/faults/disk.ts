/**
 * @module A full disk (a small tmpfs) and a read-only bind mount, each made inside a private mount namespace
 * (unshare + nsenter, so nothing shows outside this run) and skipped with the reason where that is not
 * allowed. On the full disk writes may fail but must say so in a line (no signal, no stack, no "Internal
 * error"), reads keep working, and once space is back every acknowledged write is there; on the read-only
 * mount reads work and writes are refused clearly, and nothing acknowledged before is lost.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { McpProcess } from "../../test/e2e/mcp-process.ts";
import { dbProblem, exported, firstLine, type Home, type Ledger, makeHome, type Options, progress, run, type RunResult, STACK_FRAME } from "./env.ts";

/** A process holding a private mount namespace; commands run in it through nsenter. */
interface Namespace {
  prefix: string[];
  close(): Promise<void>;
}

async function sh(args: string[]): Promise<{ code: number; err: string }> {
  const p = Bun.spawn(args, { stdout: "ignore", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  return { code, err: err.trim() };
}

/** Starts a namespace and runs `setup` (mount commands) in it; returns why not when that is not allowed here. */
async function namespace(setup: string[][]): Promise<Namespace | string> {
  if (process.platform !== "linux") return "mount namespaces need Linux";
  const holder = Bun.spawn(["unshare", "--mount", "--propagation", "private", "sleep", "86400"], { stdout: "ignore", stderr: "pipe" });
  const prefix = ["nsenter", "-t", String(holder.pid), "-m", "--"];
  const close = async () => {
    holder.kill("SIGKILL");
    await holder.exited;
  };
  // nsenter needs the namespace to exist: wait until the holder has its own one.
  for (let i = 0; i < 200; i++) {
    if (holder.exitCode !== null) return `unshare --mount is not allowed here: ${(await new Response(holder.stderr).text()).trim()}`;
    const own = await sh(["sh", "-c", `[ "$(readlink /proc/${holder.pid}/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]`]);
    if (own.code === 0) break;
    await Bun.sleep(5);
  }
  for (const cmd of setup) {
    const r = await sh([...prefix, ...cmd]);
    if (r.code !== 0) {
      await close();
      return `\`${cmd.join(" ")}\` is not allowed here: ${r.err}`;
    }
  }
  return { prefix, close };
}

/** What is wrong with a failed command's output, if anything: it must fail in words, not crash. */
function crashSign(r: RunResult): string | null {
  if (r.signal !== null) return `died of ${r.signal}`;
  if (r.exitCode !== 0 && r.exitCode !== 1 && r.exitCode !== 2) return `exit ${r.exitCode}`;
  if (/Internal error/.test(r.stderr + r.stdout)) return `"Internal error": ${firstLine(r.stderr)}`;
  if (STACK_FRAME.test(r.stderr)) return `stack trace on stderr: ${firstLine(r.stderr)}`;
  return null;
}

const READS: string[][] = [["recall", "harbour crane", "--mode", "keyword", "--json"], ["list", "--json"], ["export"], ["stats", "--json"]];

async function checkReads(opts: Options, home: Home, ns: Namespace, row: string, trial: number, ledger: Ledger): Promise<void> {
  for (const args of READS) {
    const r = await run(opts.bin, home, args, { prefix: ns.prefix });
    if (r.exitCode !== 0) ledger.fail(row, `trial ${trial}: \`cairn ${args[0]}\` failed (exit ${r.exitCode ?? r.signal}): ${firstLine(r.stderr)}`);
  }
}

/**
 * Every acknowledged write is in a fresh export and the database is sound. A home only visible inside a
 * namespace (`ns`) is read through it, and its soundness through `doctor` there.
 */
async function acknowledgedPresent(opts: Options, home: Home, acked: Map<string, string>, row: string, trial: number, ledger: Ledger, ns?: Namespace): Promise<void> {
  const seen = await exported(opts.bin, home, ns?.prefix);
  if (typeof seen === "string") return ledger.fail(row, `trial ${trial}: ${seen}`);
  let lost = 0;
  for (const [id, content] of acked) if (seen.get(id) !== content) lost++;
  if (lost > 0) {
    ledger.row(row).lost += lost;
    ledger.fail(row, `trial ${trial}: ${lost} of ${acked.size} acknowledged writes missing`);
  }
  if (!ns) {
    const problem = dbProblem(home.db);
    if (problem) ledger.fail(row, `trial ${trial}: ${problem}`);
    return;
  }
  const check = await run(opts.bin, home, ["doctor", "--json"], { prefix: ns.prefix });
  const integrity = check.exitCode === null ? null : (JSON.parse(check.stdout || "{}") as { checks?: Array<{ name: string; level: string }> }).checks?.find((c) => c.name === "integrity");
  if (integrity?.level !== "ok") ledger.fail(row, `trial ${trial}: doctor integrity ${integrity?.level ?? `unknown (${firstLine(check.stderr)})`}`);
}

async function remember(opts: Options, home: Home, text: string, prefix: string[] | undefined, acked: Map<string, string>, row: string, ledger: Ledger): Promise<RunResult> {
  const r = await run(opts.bin, home, ["remember", text, "--json"], { prefix });
  if (r.exitCode === 0) {
    acked.set((JSON.parse(r.stdout) as { id: string }).id, text);
    ledger.row(row).acknowledged++;
  }
  return r;
}

async function fullDiskTrial(opts: Options, root: string, trial: number, ledger: Ledger): Promise<string | null> {
  const row = "full tmpfs";
  const mount = join(root, `tmpfs-${trial}`);
  mkdirSync(mount);
  const ns = await namespace([["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount]]);
  if (typeof ns === "string") return ns;
  try {
    // Only the data directory is on the small disk (made inside the namespace, where the tmpfs is).
    const home = makeHome(root);
    home.dir = join(mount, "data");
    home.db = join(home.dir, "cairn.db");
    home.env.CAIRN_HOME = home.dir;
    await sh([...ns.prefix, "mkdir", "-m", "700", home.dir]);
    const acked = new Map<string, string>();
    for (let i = 0; i < 10; i++) await remember(opts, home, `harbour crane note ${trial}-${i} before the disk filled`, ns.prefix, acked, row, ledger);
    // Fill what is left, then try to write into the full disk in several ways.
    await sh([...ns.prefix, "sh", "-c", `cat /dev/zero > ${join(mount, "filler")} 2>/dev/null; true`]);
    const bigText = `harbour crane ${"filler words to need new pages ".repeat(1500)}`;
    const attempts: RunResult[] = [];
    for (let i = 0; i < 5; i++) attempts.push(await remember(opts, home, `${bigText} ${trial}-${i}`, ns.prefix, acked, row, ledger));
    for (const r of attempts) {
      const sign = crashSign(r);
      if (sign) ledger.fail(row, `trial ${trial}: remember on a full disk: ${sign}`);
      else if (r.exitCode !== 0 && !/full|space/i.test(r.stderr)) ledger.fail(row, `trial ${trial}: remember on a full disk does not say the disk is full: ${firstLine(r.stderr)}`);
      else if (r.exitCode !== 0 && r.stderr.trim().split("\n").length > 1) ledger.fail(row, `trial ${trial}: ${r.stderr.trim().split("\n").length} stderr lines, not one`);
    }
    await checkReads(opts, home, ns, row, trial, ledger);
    await sh([...ns.prefix, "rm", "-f", join(mount, "filler")]);
    await acknowledgedPresent(opts, home, acked, row, trial, ledger, ns);
    const after = await remember(opts, home, `harbour crane note ${trial} after space came back`, ns.prefix, acked, row, ledger);
    if (after.exitCode !== 0) {
      const df = Bun.spawnSync([...ns.prefix, "sh", "-c", `df -k ${mount} | tail -1; du -ak ${home.dir} | sort -n | tail -4`]).stdout.toString();
      ledger.fail(row, `trial ${trial}: a write after space came back failed: ${firstLine(after.stderr)} [${df.replace(/\s+/g, " ")}]`);
    }
    await acknowledgedPresent(opts, home, acked, row, trial, ledger, ns);
  } finally {
    await ns.close();
  }
  return null;
}

async function readOnlyTrial(opts: Options, root: string, trial: number, ledger: Ledger): Promise<string | null> {
  const row = "read-only bind mount";
  const home = makeHome(root);
  const acked = new Map<string, string>();
  for (let i = 0; i < 5; i++) await remember(opts, home, `harbour crane note ${trial}-${i} before the mount went read-only`, undefined, acked, row, ledger);
  const ns = await namespace([
    ["mount", "--bind", home.dir, home.dir],
    ["mount", "-o", "remount,ro,bind", home.dir],
  ]);
  if (typeof ns === "string") return ns;
  try {
    await checkReads(opts, home, ns, row, trial, ledger);
    const mcp = new McpProcess(opts.bin, { home: home.dir, cwd: home.cwd, env: home.env, wrap: ns.prefix });
    try {
      await mcp.initialize();
      const reply = await mcp.call("recall", { query: "harbour crane", mode: "keyword" });
      if (reply.error || reply.result?.isError) ledger.fail(row, `trial ${trial}: MCP recall failed: ${reply.error?.message ?? reply.result.content[0].text}`);
      const write = await mcp.call("remember", { content: `refused on a read-only mount ${trial}` });
      if (write.result && !write.result.isError) ledger.fail(row, `trial ${trial}: MCP remember reported success on a read-only mount`);
      mcp.assertAllStdoutIsJsonRpc();
    } catch (err) {
      ledger.fail(row, `trial ${trial}: MCP: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      await mcp.kill();
    }
    const w = await run(opts.bin, home, ["remember", `refused ${trial}`], { prefix: ns.prefix });
    const sign = crashSign(w);
    if (sign) ledger.fail(row, `trial ${trial}: remember on a read-only mount: ${sign}`);
    else if (w.exitCode === 0) ledger.fail(row, `trial ${trial}: remember exited 0 on a read-only mount`);
  } finally {
    await ns.close();
  }
  await acknowledgedPresent(opts, home, acked, row, trial, ledger);
  return null;
}

export async function diskCampaign(opts: Options, root: string, ledger: Ledger): Promise<void> {
  const perCase = Math.max(1, Math.round(opts.trials / 10));
  for (const [row, trialFn] of [
    ["full tmpfs", fullDiskTrial],
    ["read-only bind mount", readOnlyTrial],
  ] as const) {
    for (let trial = 1; trial <= perCase; trial++) {
      const skipped = await trialFn(opts, root, trial, ledger);
      if (skipped) {
        ledger.skip(row, skipped);
        progress(`${row}: skipped: ${skipped}`);
        break;
      }
      ledger.row(row).trials++;
    }
    const o = ledger.row(row);
    if (!o.skipped) progress(`${row}: ${o.trials} trials, ${o.failures.length} failures, ${o.acknowledged} acknowledged, ${o.lost} lost`);
  }
}
