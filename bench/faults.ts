/**
 * @module `npm run bench:faults`: a long fault campaign against the compiled binary. SIGKILL during import,
 * remember, edit, forget --hard, re-embedding and index updates; the database, -wal and -shm deleted or
 * replaced under `cairn mcp` and the hook daemon; a full tmpfs and a read-only bind mount (where mounting
 * is allowed); a seeded fuzz run over CLI, MCP and hook inputs. Prints trials, failures and acknowledged
 * writes lost per scenario (the target is zero of both) and exits 1 when either is not zero.
 *
 *   node scripts/bun.mjs run bench/faults.ts [--trials N] [--quick] [--seed S] [--fuzz N] [--only kill,files,disk,fuzz] [--json] [--binary path]
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { diskCampaign } from "./faults/disk.ts";
import { type Options, Ledger, makeRoot, progress, removeRoot } from "./faults/env.ts";
import { filesCampaign } from "./faults/files.ts";
import { fuzzCampaign } from "./faults/fuzz.ts";
import { killCampaign } from "./faults/kill.ts";
import { summaryJson, summaryTable } from "./faults/report.ts";

const { values } = parseArgs({
  options: {
    trials: { type: "string" },
    quick: { type: "boolean", default: false },
    seed: { type: "string" },
    fuzz: { type: "string" },
    only: { type: "string" },
    json: { type: "boolean", default: false },
    binary: { type: "string" },
  },
});

const quick = values.quick ?? false;
const opts: Options = {
  bin: values.binary ?? join(import.meta.dir, "..", "dist", "cairn"),
  trials: values.trials ? Number(values.trials) : quick ? 5 : 100,
  fuzz: values.fuzz ? Number(values.fuzz) : quick ? 300 : 10_000,
  seed: values.seed ? Number(values.seed) : 20_260_101,
  quick,
  only: values.only ? values.only.split(",").map((s) => s.trim()) : [],
};
for (const [name, n] of [["--trials", opts.trials], ["--fuzz", opts.fuzz], ["--seed", opts.seed]] as const) {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} needs a whole number, got ${n}`);
}
if (!existsSync(opts.bin)) throw new Error(`${opts.bin} is missing: run \`npm run build\` first.`);

const campaigns: Array<[string, typeof killCampaign]> = [
  ["kill", killCampaign],
  ["files", filesCampaign],
  ["disk", diskCampaign],
  ["fuzz", fuzzCampaign],
];

const ledger = new Ledger();
const root = makeRoot();
const started = performance.now();
progress(`bench:faults: seed ${opts.seed}, ${opts.trials} trials per SIGKILL operation, ${opts.fuzz} fuzz inputs, binary ${opts.bin}`);
try {
  for (const [name, campaign] of campaigns) {
    if (opts.only.length > 0 && !opts.only.includes(name)) continue;
    progress(`— ${name}`);
    await campaign(opts, root, ledger);
  }
} finally {
  removeRoot(root);
}
const seconds = (performance.now() - started) / 1000;
console.log(values.json ? JSON.stringify(summaryJson(ledger, opts, seconds)) : summaryTable(ledger, opts, seconds));
const bad = [...ledger.rows.values()].some((o) => o.failures.length > 0 || o.lost > 0);
process.exit(bad ? 1 : 0);
