/**
 * @module `cairn sync` SIGKILLed at random points while pushing and while pulling: the next sync resumes with
 * nothing lost and nothing duplicated (a few trials here; `bench/sync.ts --kill-trials N` runs more).
 */
import { expect, test } from "bun:test";
import { SQL } from "bun";
import { usePostgres } from "../helpers/postgres.ts";
import { CLI_PROJECT, cliTeam } from "../helpers/sync-cli.ts";

const postgres = usePostgres();

const TRIALS = 3;
const PER_TRIAL = 700;

test("SIGKILL mid-push and mid-pull, then a sync: no loss, no duplicates", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("kill");
  const url = pg.url("kill");
  const [a, b] = await cliTeam(url);
  const sql = new SQL(url);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  try {
    let total = 0;
    for (let t = 0; t < TRIALS; t++) {
      const lines = Array.from({ length: PER_TRIAL }, (_, i) => JSON.stringify({ content: `trial ${t} memory ${i}: the cache key is w${t}x${i}`, project: CLI_PROJECT, tags: [`t${t}`] }));
      await a.importMemories(lines);
      total += PER_TRIAL;
      await a.killedSync(30 + Math.floor(rand() * 600));
      await a.cairn(["sync"]);
      await b.killedSync(30 + Math.floor(rand() * 600));
      await b.cairn(["sync"]);
      const [ea, eb] = [await a.exported(), await b.exported()];
      expect(ea).toHaveLength(total);
      expect(eb).toEqual(ea);
      const [row] = await sql`SELECT count(*)::int AS n, count(DISTINCT mid)::int AS mids FROM cairn_sync_records`;
      expect(row).toEqual({ n: total, mids: total });
    }
  } finally {
    await sql.close();
    a.close();
    b.close();
  }
});
