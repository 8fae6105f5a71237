/**
 * @module The database, its -wal and -shm deleted or replaced under a live `cairn mcp` and under the hook
 * daemon (`cairn hook --serve`, started by running a hook). Writes acknowledged before and after are looked
 * for from a fresh process: after a deletion or replacement of the database only the later ones must be
 * there (in the new file); when only -wal/-shm go, every one of them must.
 */
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { McpProcess } from "../../test/e2e/mcp-process.ts";
import type { Rng } from "../rng.ts";
import { dbProblem, exported, firstLine, type Home, type Ledger, makeHome, type Options, progress, rngFor, run, waitFor } from "./env.ts";

interface FileCase {
  name: string;
  /** Whether writes acknowledged before the change must survive it. */
  keepsBefore: boolean;
  apply(home: Home, spare: Home): void;
}

const rm = (f: string) => rmSync(f, { force: true });

const CASES: FileCase[] = [
  { name: "db deleted", keepsBefore: false, apply: (h) => rm(h.db) },
  { name: "db, wal and shm deleted", keepsBefore: false, apply: (h) => [h.db, `${h.db}-wal`, `${h.db}-shm`].forEach(rm) },
  { name: "wal and shm deleted", keepsBefore: true, apply: (h) => [`${h.db}-wal`, `${h.db}-shm`].forEach(rm) },
  { name: "shm deleted", keepsBefore: true, apply: (h) => rm(`${h.db}-shm`) },
  {
    name: "db replaced (rename over)",
    keepsBefore: false,
    apply: (h, spare) => {
      copyFileSync(spare.db, `${h.db}.new`);
      renameSync(`${h.db}.new`, h.db);
    },
  },
  {
    name: "db replaced, wal and shm deleted",
    keepsBefore: false,
    apply: (h, spare) => {
      [`${h.db}-wal`, `${h.db}-shm`].forEach(rm);
      copyFileSync(spare.db, `${h.db}.new`);
      renameSync(`${h.db}.new`, h.db);
    },
  },
];

const WORDS = "rustfmt pnpm yarn bazel ninja gradle poetry cargo tox nox meson scons".split(" ");
const TOPICS = "nightly builds|release notes|database backups|api docs|load tests|log rotation|schema dumps|cache warming".split("|");

/** A store whose file can be copied over another: one memory, checkpointed (no -wal needed). */
async function spareStore(opts: Options, root: string): Promise<Home> {
  const spare = makeHome(root);
  await run(opts.bin, spare, ["remember", "a memory of the replacement store"]);
  return spare;
}

/** Finds acknowledged contents (by their unique token) in a fresh process's export. */
async function countFound(opts: Options, home: Home, tokens: readonly string[]): Promise<number | string> {
  const seen = await exported(opts.bin, home);
  if (typeof seen === "string") return seen;
  const all = [...seen.values()].join("\n");
  return tokens.filter((t) => all.includes(t)).length;
}

async function mcpTrial(opts: Options, root: string, c: FileCase, spare: Home, trial: number, ledger: Ledger, rng: Rng): Promise<void> {
  const row = `files under mcp: ${c.name}`;
  const home = makeHome(root);
  const mcp = new McpProcess(opts.bin, { home: home.dir, cwd: home.cwd, env: home.env });
  const before: string[] = [];
  const after: string[] = [];
  try {
    await mcp.initialize();
    const write = async (list: string[], phase: string, i: number) => {
      const token = `mcp${trial}${phase}${i}q${rng.int(1000, 9999)}`;
      const reply = await mcp.call("remember", { content: `The ${rng.pick(TOPICS)} note ${token} mentions ${rng.pick(WORDS)}.` });
      if (reply.result && !reply.result.isError) {
        list.push(token);
        ledger.row(row).acknowledged++;
      } else ledger.fail(row, `trial ${trial}: remember ${phase} refused: ${reply.error?.message ?? reply.result?.content?.[0]?.text}`);
    };
    for (let i = 0; i < 3; i++) await write(before, "b", i);
    c.apply(home, spare);
    for (let i = 0; i < 5; i++) await write(after, "a", i);
    mcp.assertAllStdoutIsJsonRpc();
  } catch (err) {
    ledger.fail(row, `trial ${trial}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    mcp.closeStdin();
    const code = await Promise.race([mcp.exited, Bun.sleep(10_000).then(() => "hung")]);
    if (code !== 0) ledger.fail(row, `trial ${trial}: cairn mcp ended with ${code}; stderr: ${firstLine(mcp.stderr)}`);
    await mcp.kill();
  }
  await account(opts, home, row, trial, ledger, c.keepsBefore ? [...before, ...after] : after);
}

async function account(opts: Options, home: Home, row: string, trial: number, ledger: Ledger, mustHave: string[]): Promise<void> {
  const found = await countFound(opts, home, mustHave);
  if (typeof found === "string") ledger.fail(row, `trial ${trial}: ${found}`);
  else if (found < mustHave.length) {
    ledger.row(row).lost += mustHave.length - found;
    ledger.fail(row, `trial ${trial}: ${mustHave.length - found} of ${mustHave.length} acknowledged writes missing`);
  }
  const problem = dbProblem(home.db);
  if (problem) ledger.fail(row, `trial ${trial}: ${problem}`);
}

function logLines(home: Home): string[] {
  const file = `${home.dir}/hooks.log`;
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : [];
}

async function daemonTrial(opts: Options, root: string, c: FileCase, spare: Home, trial: number, ledger: Ledger, rng: Rng): Promise<void> {
  const row = `files under hook daemon: ${c.name}`;
  const home = makeHome(root, { CAIRN_HOOK_DAEMON: "on", CAIRN_HOOK_DEBUG: "1" });
  const before: string[] = [];
  const after: string[] = [];
  let warm = 0;
  const hook = async (list: string[] | null, phase: string, i: number) => {
    const token = `hd${trial}${phase}${i}k${rng.int(1000, 9999)}`;
    const prompt = `From now on, always use ${rng.pick(WORDS)}-${token} for the ${rng.pick(TOPICS)}.`;
    const logBefore = logLines(home).length;
    const r = await run(opts.bin, home, ["hook", "prompt"], { stdin: JSON.stringify({ session_id: `s${trial}`, cwd: home.cwd, prompt }) });
    const newLines = logLines(home).slice(logBefore);
    if (newLines.some((l) => l.includes(" ok, warm"))) warm++;
    const errors = newLines.filter((l) => / error| malformed/.test(l));
    if (r.exitCode !== 0 || r.stderr !== "") ledger.fail(row, `trial ${trial}: hook exit ${r.exitCode ?? r.signal}: ${firstLine(r.stderr)}`);
    else if (errors.length > 0) ledger.fail(row, `trial ${trial}: hook logged ${errors[0]}`);
    else if (list) {
      list.push(token);
      ledger.row(row).acknowledged++;
    }
  };
  // The first hook runs cold and starts the daemon; the trial goes on once the daemon answers.
  await hook(null, "w", 0);
  const serving = await waitFor(async () => {
    await hook(null, "p", 0);
    return warm > 0;
  }, 10_000);
  if (!serving) {
    ledger.fail(row, `trial ${trial}: the hook daemon never answered (hooks.log: ${logLines(home).slice(-1)[0] ?? "empty"})`);
    return;
  }
  warm = 0;
  for (let i = 0; i < 3; i++) await hook(before, "b", i);
  c.apply(home, spare);
  for (let i = 0; i < 5; i++) await hook(after, "a", i);
  if (warm === 0) ledger.fail(row, `trial ${trial}: no write was served by the daemon`);
  await account(opts, home, row, trial, ledger, c.keepsBefore ? [...before, ...after] : after);
  // The daemon exits within ~2 s of its data directory going.
  rmSync(home.dir, { recursive: true, force: true });
}

export async function filesCampaign(opts: Options, root: string, ledger: Ledger): Promise<void> {
  const spare = await spareStore(opts, root);
  const perCase = Math.max(1, Math.round(opts.trials / 5));
  const rng = rngFor(opts, 7);
  for (const [where, trialFn] of [
    ["mcp", mcpTrial],
    ["hook daemon", daemonTrial],
  ] as const) {
    for (const c of CASES) {
      const row = `files under ${where}: ${c.name}`;
      for (let trial = 1; trial <= perCase; trial++) {
        await trialFn(opts, root, c, spare, trial, ledger, rng);
        ledger.row(row).trials++;
      }
      const o = ledger.row(row);
      progress(`${row}: ${o.trials} trials, ${o.failures.length} failures, ${o.acknowledged} acknowledged, ${o.lost} lost`);
    }
  }
}
