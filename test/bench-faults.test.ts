/**
 * @module Smoke test of the fault campaign: `bench/faults.ts --quick --json` runs its SIGKILL, file and fuzz
 * scenarios end to end against the compiled binary, counts trials and acknowledged writes, and loses none.
 * (The disk scenarios need mount rights; test/faults/read-only-disk.test.ts and full-disk.test.ts cover them,
 * and `npm run bench:faults -- --only disk` repeats them.)
 */
import { expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { CAIRN_BIN, REPO_ROOT, requireBinary } from "./helpers/bin.ts";

requireBinary();
setDefaultTimeout(180_000);

interface Scenario {
  trials: number;
  failures: string[];
  acknowledged: number;
  lost: number;
  interrupted: number;
  skipped: string | null;
}

test("bench:faults --quick runs every SIGKILL, file and fuzz scenario, and loses no acknowledged write", async () => {
  const proc = Bun.spawn(
    [process.execPath, "run", join(REPO_ROOT, "bench", "faults.ts"), "--quick", "--json", "--only", "kill,files,fuzz", "--trials", "3", "--fuzz", "150", "--binary", CAIRN_BIN],
    { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" },
  );
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const report = JSON.parse(stdout.trim().split("\n").at(-1)!) as { quick: boolean; scenarios: Record<string, Scenario>; totals: { lost: number; failures: number } };
  const failures = Object.entries(report.scenarios).flatMap(([name, s]) => s.failures.map((f) => `${name}: ${f}`));
  expect({ code, failures }).toEqual({ code: 0, failures: [] });
  expect(report.quick).toBe(true);

  const names = Object.keys(report.scenarios);
  for (const op of ["remember", "edit", "forget --hard", "import", "reembed", "index update", "index update (encrypted)"]) expect(names).toContain(`kill: ${op}`);
  for (const where of ["mcp", "hook daemon"]) for (const what of ["db deleted", "wal and shm deleted", "db replaced (rename over)"]) expect(names).toContain(`files under ${where}: ${what}`);
  for (const [name, s] of Object.entries(report.scenarios)) {
    expect({ name, trials: s.trials > 0, lost: s.lost }).toEqual({ name, trials: true, lost: 0 });
    if (!name.startsWith("fuzz")) expect({ name, acknowledged: s.acknowledged > 0 }).toEqual({ name, acknowledged: true });
  }
  expect(report.scenarios["fuzz: MCP"]!.trials + report.scenarios["fuzz: CLI"]!.trials + report.scenarios["fuzz: hooks"]!.trials).toBe(150);
  expect(stderr).toContain("kill: remember: 3/3 trials");
});
