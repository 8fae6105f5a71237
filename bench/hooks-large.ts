/**
 * @module Large hook events: spawn `dist/cairn hook post-tool` with a PostToolUseFailure event whose error output
 * is 1, 16 and 64 MB (the error line at its end), and time spawn → exit, cold (CAIRN_HOOK_DAEMON=off) and warm
 * (a daemon running), median of a few runs. Run: `node scripts/bun.mjs run bench/hooks-large.ts [--runs N]
 * [--sizes 1,16,64]` (build first; CAIRN_BENCH_BIN picks another binary).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createWorkspace, homeFor } from "./fixture.ts";
import { nowMs, percentiles, progress, round } from "./measure.ts";
import { isServing } from "../src/hooks/warm/client.ts";

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Number(opt("--runs") ?? 5);
const SIZES = (opt("--sizes") ?? "1,16,64").split(",").map(Number);
const BIN = process.env.CAIRN_BENCH_BIN || join(import.meta.dir, "..", "dist", "cairn");
if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first.`);

const ws = createWorkspace();
try {
  const { home } = homeFor(ws, "home");
  const env = { PATH: process.env.PATH, HOME: ws.root, CAIRN_HOME: home };
  const daemon = Bun.spawn([BIN, "hook", "--serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
  for (let waited = 0; !(await isServing(join(home, "hookd.sock"))); waited += 20) {
    if (waited > 10_000) throw new Error("the hook daemon did not start within 10 s");
    await Bun.sleep(20);
  }
  const lines = [`large PostToolUseFailure events, spawn → exit, median of ${RUNS} runs (ms)`, "size     cold     warm   warm/cold"];
  try {
    for (const mb of SIZES) {
      const line = "x".repeat(120) + "\n";
      const output = line.repeat(Math.ceil((mb * 1024 * 1024) / line.length));
      const ms: Record<string, number> = {};
      for (const mode of ["cold", "warm"] as const) {
        progress(`${mb} MB ${mode}: ${RUNS} runs`);
        const samples: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const event = {
            session_id: `${mode}-${mb}-${i}`, cwd: ws.project, hook_event_name: "PostToolUseFailure", tool_name: "Bash",
            tool_input: { command: `npm run test:large${i}` }, error: `Exit code 1\n${output}Error: connect ECONNREFUSED 127.0.0.1:${5000 + i}`,
          };
          const stdin = new TextEncoder().encode(JSON.stringify(event));
          const started = nowMs();
          const proc = Bun.spawn([BIN, "hook", "post-tool"], { cwd: ws.project, env: { ...env, CAIRN_HOOK_DAEMON: mode === "warm" ? "on" : "off" }, stdin, stdout: "pipe", stderr: "pipe" });
          const [, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
          samples.push(nowMs() - started);
          if (code !== 0 || stderr !== "") throw new Error(`hook exited ${code}: ${stderr}`);
        }
        ms[mode] = percentiles(samples).p50;
      }
      lines.push(`${`${mb} MB`.padEnd(6)} ${round(ms.cold!, 1).toFixed(1).padStart(6)} ${round(ms.warm!, 1).toFixed(1).padStart(8)} ${(ms.warm! / ms.cold!).toFixed(2).padStart(10)}`);
    }
  } finally {
    daemon.kill();
    await daemon.exited;
  }
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  ws.dispose();
}
