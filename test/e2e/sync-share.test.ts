/** @module `cairn sync share` through the binary: a typo is refused, a remote's key is taken, sharing again queues nothing. */
import { expect, test } from "bun:test";
import { usePostgres } from "../helpers/postgres.ts";
import { CLI_PROJECT, cliTeam } from "../helpers/sync-cli.ts";

const postgres = usePostgres();

test("share: an unknown name is refused naming the known projects; sharing again queues nothing; unshare removes it", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("share");
  const [a, b] = await cliTeam(pg.url("share"));
  try {
    await a.importMemories([JSON.stringify({ content: "billing runs nightly", project: CLI_PROJECT })]);
    const typo = await a.cairn(["sync", "share", "--project", "billng", "--json"], false);
    expect(typo.exitCode).not.toBe(0);
    expect(typo.stderr).toContain('No project "billng"');
    const again = JSON.parse((await a.cairn(["sync", "share", "--project", CLI_PROJECT, "--json"])).stdout);
    expect(again).toMatchObject({ shared: true, queued: 0, projects: [CLI_PROJECT] });
    const off = JSON.parse((await a.cairn(["sync", "unshare", "--project", CLI_PROJECT, "--json"])).stdout);
    expect(off).toMatchObject({ shared: false, projects: [] });
    expect(JSON.parse((await a.cairn(["sync", "share", "--project", CLI_PROJECT, "--json"])).stdout)).toMatchObject({ queued: 1 });
  } finally {
    a.close();
    b.close();
  }
});
