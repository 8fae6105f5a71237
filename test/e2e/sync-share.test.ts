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

test("moving a memory the team has into a scope not shared says it keeps syncing (QA sync)", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("move");
  const [a, b] = await cliTeam(pg.url("move"));
  try {
    await a.importMemories([JSON.stringify({ content: "billing runs nightly at 02:00", project: CLI_PROJECT })]);
    await a.cairn(["sync"]);
    const id = JSON.parse((await a.cairn(["list", "--all-projects", "--json"])).stdout).memories[0].id as string;
    const moved = await a.cairn(["edit", id, "--project", "skunkworks"]);
    expect(moved.stderr).toContain("it still syncs, and the team sees this change");
    // A memory the team never had says nothing of the kind.
    await a.importMemories([JSON.stringify({ content: "skunkworks prototype notes", project: "skunkworks" })]);
    const local = JSON.parse((await a.cairn(["list", "--project", "skunkworks", "--json"])).stdout).memories.find((m: { content: string }) => m.content.startsWith("skunkworks"))!.id as string;
    expect((await a.cairn(["edit", local, "--project", "skunkworks-2"])).stderr).not.toContain("still syncs");
  } finally {
    a.close();
    b.close();
  }
});

test("memories a sync receives get their vectors in the background, without another command", async () => {
  const pg = postgres.current();
  if (!pg) return;
  await pg.createDb("received");
  const [a, b] = await cliTeam(pg.url("received"));
  try {
    await a.importMemories(["the staging bucket rotates credentials weekly", "releases go to canary before production"].map((content) => JSON.stringify({ content, project: CLI_PROJECT })));
    await a.cairn(["sync"]);
    b.env.CAIRN_EMBED_WORKER = "on";
    expect(JSON.parse((await b.cairn(["sync", "--json"])).stdout)).toMatchObject({ pulled: 2 });
    let vectors = 0;
    for (let i = 0; i < 80 && vectors < 2; i++) {
      await Bun.sleep(500);
      vectors = JSON.parse((await b.cairn(["stats", "--json"])).stdout).vectors;
    }
    expect(vectors).toBe(2);
  } finally {
    a.close();
    b.close();
  }
});
