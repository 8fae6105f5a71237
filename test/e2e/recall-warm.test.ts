/**
 * @module A one-shot `cairn recall` with the warm hook daemon running: the daemon answers the whole recall
 * (hooks/warm/recall-service.ts) and the command prints exactly what it prints without a daemon, for JSON and
 * text output, explain, filters, a relative `--project` directory and a budget. When recall would rerank,
 * the daemon only embeds the query (the model then never loads in the recall process), again with identical
 * results. With the daemon off, no daemon, or a socket nobody serves, the command recalls itself; errors
 * read the same either way.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isServing } from "../../src/hooks/warm/client.ts";
import { CAIRN_BIN, describeRun } from "../helpers/bin.ts";
import { createSandbox, type Sandbox } from "../helpers/sandbox.ts";

let sb: Sandbox;
let project: string;
let daemon: ReturnType<typeof Bun.spawn> | undefined;
beforeEach(() => {
  sb = createSandbox("cairn-warm-recall-");
  project = sb.project("shop");
});
afterEach(() => {
  daemon?.kill("SIGKILL");
  daemon = undefined;
  sb.cleanup();
});

const sock = () => join(sb.cairnHome, "hookd.sock");
const ANSWERED = "recall answered by the hook daemon";
const EMBEDDED = "embedding through the hook daemon";
const AHEAD = "query embedded ahead on a second thread";

async function recall(args: string[], env: Record<string, string>, cwd = project) {
  const all = ["recall", ...args];
  return sb.run(all, { cwd, env: { CAIRN_EMBED_WORKER: "off", CAIRN_LOG_LEVEL: "debug", ...env } }).then((r) => ({ ...r, all }));
}

async function startDaemon(): Promise<void> {
  daemon = Bun.spawn([CAIRN_BIN, "hook", "--serve"], { env: sb.env(), stdio: ["ignore", "ignore", "ignore"] });
  const until = Date.now() + 20_000;
  while (!(await isServing(sock()))) {
    if (Date.now() > until) throw new Error("the daemon did not start");
    await Bun.sleep(25);
  }
}

test("the warm daemon answers a recall with exactly the command's own output", async () => {
  const other = sb.project("billing");
  // Notes in other scripts too: the daemon's copy of the model must keep what it knows (only English: QA, a
  // Chinese query got Korean and Japanese notes from the daemon alone).
  const texts = ["We keep invoices in PostgreSQL, one schema per tenant", "The deploy script lives in ops/deploy.sh", "Caroline painted a sunrise over the lake last summer", "Retry the payment webhook three times before alerting", "배포는금요일에하지않기로결정했습니다", "本番環境のデプロイは毎週金曜日に禁止されています。"];
  for (const text of texts) await sb.ok(["remember", text], { cwd: project, env: { CAIRN_EMBED_WORKER: "off" } });
  await sb.ok(["remember", "Billing invoices are rendered with Typst", "--type", "decision"], { cwd: other, env: { CAIRN_EMBED_WORKER: "off" } });
  await sb.ok(["models", "reembed"], { cwd: project, env: { CAIRN_EMBED_WORKER: "off" } });
  const sub = join(project, "src");
  mkdirSync(sub);
  const cases: Array<{ args: string[]; cwd?: string }> = [
    { args: ["database for billing records", "--mode", "hybrid", "--json", "--explain"] },
    { args: ["an artwork at dawn", "--explain"] },
    { args: ["webhook failures", "--mode", "semantic", "--json"] },
    { args: ["invoices", "--mode", "keyword", "--all-projects", "--json"] },
    { args: ["invoices", "--project", "../billing", "--type", "decision", "--since", "2020-01-01"] },
    { args: ["invoices", "--project", "..", "--budget", "20", "--json"], cwd: sub },
    { args: ["quantum chromodynamics lecture notes", "--json", "--explain"] },
    { args: ["腾讯云部署", "--json", "--explain"] },
    { args: ["сервисы", "--mode", "semantic", "--json"] },
  ];
  const run = async (env: Record<string, string>) => {
    const outs = [];
    for (const c of cases) {
      const r = await recall(c.args, env, c.cwd);
      expect(r.exitCode, describeRun(r.all, r)).toBe(0);
      outs.push(r);
    }
    return outs;
  };
  const local = await run({ CAIRN_HOOK_DAEMON: "off" });
  expect(local[0]!.stdout).toContain("PostgreSQL");
  // Without a daemon, a hybrid or semantic recall's query is embedded on a second thread (embed/query-ahead.ts).
  for (const i of [0, 1, 2]) expect(local[i]!.stderr, describeRun(local[i]!.all, local[i]!)).toContain(AHEAD);
  expect(local[3]!.stderr).not.toContain(AHEAD);
  expect(local[4]!.stdout).toContain("Typst");

  // A socket file nobody serves: the command recalls itself, same output.
  writeFileSync(sock(), "");
  const stale = await recall(cases[0]!.args, {});
  expect(stale.stdout).toBe(local[0]!.stdout);
  expect(stale.stderr).not.toContain(ANSWERED);

  await startDaemon();
  const warm = await run({});
  for (const [i, r] of warm.entries()) {
    expect(r.stderr, describeRun(r.all, r)).toContain(ANSWERED);
    expect(r.stderr).not.toContain(EMBEDDED); // the daemon did all of it
    expect(r.stdout, describeRun(r.all, r)).toBe(local[i]!.stdout);
  }

  // An error reads the same: the daemon declines and the command reports it as always.
  const bad = ["invoices", "--project", "no-such-project"];
  const [coldBad, warmBad] = [await recall(bad, { CAIRN_HOOK_DAEMON: "off" }), await recall(bad, {})];
  expect(coldBad.exitCode).not.toBe(0);
  expect(warmBad.exitCode).toBe(coldBad.exitCode);
  expect(warmBad.stderr).toContain(coldBad.stderr.trim().split("\n").at(-1)!);

  // Recall that would rerank (a reranker named, not installed: both paths warn alike) stays in the command;
  // the daemon only embeds its query.
  const rerankEnv = { CAIRN_RERANKER: "no-such-reranker" };
  const coldRerank = await recall(cases[0]!.args, { ...rerankEnv, CAIRN_HOOK_DAEMON: "off" });
  const warmRerank = await recall(cases[0]!.args, rerankEnv);
  expect(warmRerank.stderr).toContain(EMBEDDED);
  expect(warmRerank.stderr).not.toContain(ANSWERED);
  expect(warmRerank.stderr).not.toContain(AHEAD); // no thread: the daemon embeds it
  expect(warmRerank.stdout).toBe(coldRerank.stdout);
  expect(warmRerank.stdout).toContain("no-such-reranker");

  // The daemon switched off by the environment: in-process again.
  const off = await recall(cases[1]!.args, { CAIRN_HOOK_DAEMON: "off" });
  expect(off.stderr).not.toContain(ANSWERED);
  expect(off.stdout).toBe(local[1]!.stdout);
});

test("a hybrid recall typed at a terminal leaves a daemon for the next one; a piped one does not", async () => {
  await sb.ok(["remember", "The deploy script lives in ops/deploy.sh"], { cwd: project, env: { CAIRN_EMBED_WORKER: "off" } });
  // Piped (an agent, a script): no daemon is started — launching takes its lock before spawning.
  const piped = await recall(["deploy script", "--mode", "hybrid"], {});
  expect(piped.exitCode, describeRun(piped.all, piped)).toBe(0);
  expect(existsSync(join(sb.cairnHome, "hookd.lock"))).toBe(false);
  expect(existsSync(sock())).toBe(false);
  // At a terminal (a pseudo-terminal from script(1)): the daemon starts and answers the next recall.
  const tty = Bun.spawn(["script", "-qec", `${CAIRN_BIN} recall 'deploy script' --mode hybrid`, "/dev/null"], {
    cwd: project,
    env: sb.env({ CAIRN_EMBED_WORKER: "off" }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  expect(await tty.exited).toBe(0);
  expect(await new Response(tty.stdout).text()).toContain("ops/deploy.sh");
  const until = Date.now() + 20_000;
  while (!(await isServing(sock()))) {
    if (Date.now() > until) throw new Error("no daemon after a recall at a terminal");
    await Bun.sleep(50);
  }
  const next = await recall(["deploy script", "--mode", "hybrid", "--json"], {});
  expect(next.stderr).toContain(ANSWERED);
  expect(next.stdout).toContain("ops/deploy.sh");
  const pid = Number(readFileSync(join(sb.cairnHome, "hookd.pid"), "utf8").split(" ")[0]);
  process.kill(pid, "SIGTERM");
});
