/**
 * @module SIGKILL campaign for `cairn sync` (build first): each trial adds memories on device A, kills A's sync
 * at a random point, syncs again, then does the same to B's pull; checks that nothing was lost or duplicated.
 * Prints trials, kills that hit a running sync, and failures; exits 1 on any failure.
 *   node scripts/bun.mjs run bench/sync-kill.ts [--trials 50] [--per-trial 300] [--seed 1] [--json]
 */
import { parseArgs } from "node:util";
import { SQL } from "bun";
import { startPostgres } from "../test/helpers/postgres.ts";
import { CLI_PROJECT, cliTeam } from "../test/helpers/sync-cli.ts";

const { values } = parseArgs({ options: { trials: { type: "string", default: "50" }, "per-trial": { type: "string", default: "300" }, seed: { type: "string", default: "1" }, json: { type: "boolean" } } });
const TRIALS = Number(values.trials);
const PER = Number(values["per-trial"]);
let seed = Number(values.seed);
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

const pg = await startPostgres();
if ("skip" in pg) throw new Error(pg.skip);
await pg.createDb("kill");
const url = pg.url("kill");
const [a, b] = await cliTeam(url);
const sql = new SQL(url);
let hits = 0;
const failures: string[] = [];
let total = 0;
try {
  for (let t = 0; t < TRIALS; t++) {
    const lines = Array.from({ length: PER }, (_, i) => JSON.stringify({ content: `trial ${t} memory ${i}: key k${t}x${i}`, project: CLI_PROJECT }));
    await a.importMemories(lines);
    total += PER;
    if (await a.killedSync(20 + Math.floor(rand() * 700))) hits++;
    await a.cairn(["sync"]);
    if (await b.killedSync(20 + Math.floor(rand() * 700))) hits++;
    await b.cairn(["sync"]);
    const [ea, eb] = [await a.exported(), await b.exported()];
    const [row] = await sql`SELECT count(*)::int AS n, count(DISTINCT mid)::int AS mids FROM cairn_sync_records`;
    if (ea.length !== total) failures.push(`trial ${t}: A holds ${ea.length} of ${total}`);
    if (JSON.stringify(ea) !== JSON.stringify(eb)) failures.push(`trial ${t}: B differs from A (${eb.length} vs ${ea.length})`);
    if (row.n !== total || row.mids !== total) failures.push(`trial ${t}: server holds ${row.n} records for ${row.mids} memories, expected ${total}`);
    process.stderr.write(`trial ${t + 1}/${TRIALS}\r`);
  }
} finally {
  await sql.close();
  a.close();
  b.close();
  pg.destroy();
}
const result = { trials: TRIALS, kills: TRIALS * 2, kills_mid_sync: hits, memories: total, failures: failures.length };
if (values.json) console.log(JSON.stringify(result));
else {
  for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(16)} ${v}`);
  for (const f of failures) console.log(`  ${f}`);
}
process.exit(failures.length === 0 ? 0 : 1);
